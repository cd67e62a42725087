-- Each node announces its own committed changes (ChangeNotices, same payload on the same channel)
-- instead of this trigger notifying inside every write. PostgreSQL serializes all transactions that
-- NOTIFY on one database-wide lock held until their commit is flushed: with the trigger, every
-- state change of every node committed one after the other (the backends waited on Lock:object),
-- and a quiet bulk import still paid a PL/pgSQL call per row (20,000 rows: ~1.35 s with it,
-- ~0.47 s without it, on the 2-core bench machine).
DROP TRIGGER task_changed ON task;
DROP FUNCTION task_changed();
