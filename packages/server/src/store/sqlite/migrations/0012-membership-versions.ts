/**
 * Membership versions (forward-only; never edit once committed).
 *
 * A node keeps, per connected user, which conversations it routes to them. A bus message
 * tells it of a change, but the bus may lose one: membership_versions.version changes in
 * the transaction of every join or leave of the user, so a node can ask for many users'
 * versions in one query and re-read only the conversations of those whose version moved
 * (realtime/session-recheck.ts). Triggers, so that no path that adds or removes a member
 * (creating a conversation, adding, removing, leaving, erasure) can forget it. No foreign
 * key: users are never deleted, and a member row already required the user.
 */
export const membershipVersionsSchema = `
CREATE TABLE membership_versions (
  user_id TEXT PRIMARY KEY,
  version INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TRIGGER members_joined_version AFTER INSERT ON members BEGIN
  INSERT INTO membership_versions (user_id, version) VALUES (NEW.user_id, 1)
  ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;
CREATE TRIGGER members_left_version AFTER DELETE ON members BEGIN
  INSERT INTO membership_versions (user_id, version) VALUES (OLD.user_id, 1)
  ON CONFLICT (user_id) DO UPDATE SET version = version + 1;
END;
`;
