/**
 * What a workload needs in place before it runs, independent of the target: users,
 * conversations (by member user index) and connections (several may share a user).
 */
export interface Population {
  users: number;
  conversations: { kind: 'direct' | 'group'; members: number[] }[];
  /** connection index -> user index */
  connections: number[];
}

/** n pairs of users, each pair in its own direct conversation, one connection per user. */
export function pairs(n: number): Population {
  return {
    users: 2 * n,
    conversations: Array.from({ length: n }, (_, i) => ({ kind: 'direct' as const, members: [2 * i, 2 * i + 1] })),
    connections: Array.from({ length: 2 * n }, (_, i) => i),
  };
}

/** One group of `members` users, one connection each. */
export function group(members: number): Population {
  const all = Array.from({ length: members }, (_, i) => i);
  return { users: members, conversations: [{ kind: 'group', members: all }], connections: all };
}

/** Users with no conversations, `perUser` connections each. */
export function idle(users: number, perUser: number): Population {
  return { users, conversations: [], connections: Array.from({ length: users * perUser }, (_, i) => i % users) };
}

/** Conversation ids (in population order) of each user. */
export function conversationsByUser(p: Population, ids: readonly string[]): string[][] {
  const out = Array.from({ length: p.users }, () => [] as string[]);
  p.conversations.forEach((c, k) => c.members.forEach((u) => out[u]!.push(ids[k]!)));
  return out;
}

/** For each conversation, the connection indexes of its members. */
export function connectionsByConversation(p: Population): number[][] {
  const byUser = new Map<number, number[]>();
  p.connections.forEach((u, i) => byUser.set(u, [...(byUser.get(u) ?? []), i]));
  return p.conversations.map((c) => c.members.flatMap((u) => byUser.get(u) ?? []));
}
