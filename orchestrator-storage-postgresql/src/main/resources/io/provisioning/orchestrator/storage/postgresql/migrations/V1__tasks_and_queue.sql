-- Tasks, their queue entries, and the notification other nodes follow.
-- json is the task as Json.mapper() writes it, kept as text so it comes back byte for byte;
-- the other columns are what queries, claims and leases need.
CREATE TABLE task (
    id           text PRIMARY KEY,
    seq          bigint NOT NULL,
    status       text NOT NULL,
    idem         text,
    attempts     integer NOT NULL,
    updated      text NOT NULL,
    version      bigint NOT NULL DEFAULT 1,
    writer       text NOT NULL,
    lease_owner  text,
    lease_until  timestamptz,
    json         text NOT NULL,
    CONSTRAINT task_seq_unique UNIQUE (seq)
);
CREATE INDEX task_status_seq ON task (status, seq);
CREATE INDEX task_idem ON task (idem) WHERE idem IS NOT NULL;
CREATE INDEX task_running_owner ON task (lease_owner) WHERE status = 'Running';

CREATE TABLE queue (
    task_id     text PRIMARY KEY REFERENCES task (id) ON DELETE CASCADE,
    priority    integer NOT NULL,
    seq         bigint NOT NULL,
    not_before  text
);

-- Every change of a task row tells the listening nodes who wrote which task, in which version, and
-- the task itself when it fits in a payload (8000 bytes; almost every task does): then each state
-- arrives as it was committed and no one reads it back. A larger task is announced without it,
-- and the listener reads the row. A bulk import sets orchestrator.quiet so that 100,000 imported
-- rows do not wake every node 100,000 times.
CREATE FUNCTION task_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF coalesce(current_setting('orchestrator.quiet', true), '') <> 'on' THEN
        IF octet_length(NEW.json) <= 7600 THEN
            PERFORM pg_notify('orchestrator_task', NEW.writer || ' ' || NEW.id || ' ' || NEW.version || ' ' || NEW.json);
        ELSE
            PERFORM pg_notify('orchestrator_task', NEW.writer || ' ' || NEW.id || ' ' || NEW.version);
        END IF;
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER task_changed AFTER INSERT OR UPDATE OF json ON task
    FOR EACH ROW EXECUTE FUNCTION task_changed();
