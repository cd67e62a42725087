-- What an Idempotency-Key stands for (storage.IdempotencyRecord as JSON, its task ids in answer
-- order), stored in the same transaction as the submission's tasks. The primary key is the unique
-- index that makes a key count once for every node: a second insert of a key waits for the first
-- transaction and then finds it there.
CREATE TABLE idempotency (
    key          text PRIMARY KEY,
    request_hash text NOT NULL,
    json         text NOT NULL,
    created_at   timestamptz NOT NULL DEFAULT now()
);
