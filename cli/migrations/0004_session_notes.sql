-- The agent's notes on a session (free text, edited any time, sent with its webhook events
-- and printed in its transcript). The reference stays in `reference`, now editable too.
ALTER TABLE sessions ADD COLUMN notes TEXT;
