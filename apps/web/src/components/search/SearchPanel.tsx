import './search.css';
import { useEffect, useRef, useState } from 'react';
import type { SearchHit } from '@parley/protocol';
import { useServices } from '../../state/app-context';
import { describeError } from '../../state/errors';
import { listTime, nameOf } from '../../state/format';
import { conversationPath, navigate } from '../../state/router';
import { FormError } from '../FormError';
import { Highlighted } from './Highlighted';

const DEBOUNCE_MS = 250;
const PAGE = 20;

function placeOf(hit: SearchHit): string {
  if (hit.conversation.kind === 'group') return hit.conversation.title ?? 'Group';
  return hit.peer ? nameOf(hit.peer) : 'Direct conversation';
}

/**
 * Search of my history, in the sidebar: results show the highlighted snippet, where and
 * who and when; choosing one opens its conversation at that message (history loaded
 * around its seq).
 */
export function SearchPanel() {
  const { client, store } = useServices();
  const [q, setQ] = useState('');
  const [hits, setHits] = useState<SearchHit[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const generation = useRef(0);

  const load = async (query: string, after: string | null) => {
    const mine = after ? generation.current : ++generation.current;
    setBusy(true);
    try {
      const res = await client.request('searchMessages', { query: { q: query, limit: PAGE, ...(after ? { cursor: after } : {}) } });
      if (mine !== generation.current) return; // a newer query won
      setHits((prev) => (after && prev ? [...prev, ...res.results] : res.results));
      setCursor(res.nextCursor);
      setError(null);
    } catch (err) {
      if (mine === generation.current) setError(describeError(err));
    } finally {
      if (mine === generation.current) setBusy(false);
    }
  };

  useEffect(() => {
    const query = q.trim();
    if (!query) {
      generation.current++;
      setHits(null);
      setCursor(null);
      setError(null);
      setBusy(false);
      return;
    }
    const t = setTimeout(() => void load(query, null), DEBOUNCE_MS);
    return () => clearTimeout(t);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- debounced on the query alone
  }, [q]);

  const open = async (hit: SearchHit) => {
    try {
      await store.openAt(hit.conversation.id, hit.message.seq);
    } catch {
      /* the conversation view loads what it can */
    }
    navigate(conversationPath(hit.conversation.id, hit.message.id));
  };

  return (
    <section className="search-panel" aria-label="Search messages">
      <form role="search" className="search-form" onSubmit={(e) => e.preventDefault()}>
        <input
          type="search"
          className="search-input"
          placeholder="Search messages"
          aria-label="Search messages"
          value={q}
          maxLength={100}
          onChange={(e) => setQ(e.target.value)}
          onKeyDown={(e) => e.key === 'Escape' && setQ('')}
        />
      </form>
      <FormError message={error} />
      {hits !== null && (
        <div className="search-results-wrap">
          {hits.length === 0 && !busy && !cursor && <p className="list-note">No messages found.</p>}
          {hits.length > 0 && (
            <ul className="search-results" aria-label="Search results">
              {hits.map((h) => (
                <li key={h.message.id}>
                  <a href={conversationPath(h.conversation.id, h.message.id)} className="search-hit" onClick={(e) => (e.preventDefault(), void open(h))}>
                    <span className="conversation-item-top">
                      <span className="conversation-item-name search-hit-place">{placeOf(h)}</span>
                      <time className="conversation-item-time" dateTime={new Date(h.message.createdAt).toISOString()}>{listTime(h.message.createdAt)}</time>
                    </span>
                    <span className="search-hit-sender">{nameOf(h.sender)}</span>
                    <span className="search-hit-snippet">
                      {h.snippet.field === 'attachment' && <span className="search-hit-field">File: </span>}
                      {h.snippet.field === 'title' && <span className="search-hit-field">Subject: </span>}
                      <Highlighted snippet={h.snippet} />
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )}
          {cursor && (
            <button type="button" className="load-more" disabled={busy} onClick={() => void load(q.trim(), cursor)}>
              {hits.length === 0 ? 'Search older messages' : 'More results'}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
