import './search.css';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Button, Input, SearchField } from 'react-aria-components';
import type { SearchHit } from '@parley/protocol';
import { i18n } from '../../i18n/i18n';
import { Icon } from '../Icon';
import { useServices } from '../../state/app-context';
import { describeError } from '../../state/errors';
import { listTime, nameOf } from '../../state/format';
import { conversationPath, navigate } from '../../state/router';
import { FormError } from '../FormError';
import { Highlighted } from './Highlighted';

const DEBOUNCE_MS = 250;
const PAGE = 20;

function placeOf(hit: SearchHit): string {
  if (hit.conversation.kind === 'group') return hit.conversation.title ?? i18n.t('conversation.untitledGroup');
  return hit.peer ? nameOf(hit.peer) : i18n.t('conversation.direct');
}

/**
 * Search of my history, in the sidebar: results show the highlighted snippet, where and
 * who and when; choosing one opens its conversation at that message (history loaded
 * around its seq).
 */
export function SearchPanel() {
  const { t } = useTranslation();
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
    <section className="search-panel" aria-label={t('search.label')}>
      <form role="search" className="search-form" onSubmit={(e) => e.preventDefault()}>
        <SearchField className="search-field" aria-label={t('search.label')} value={q} onChange={setQ} maxLength={100}>
          <Icon name="search" size={18} />
          <Input className="search-input" placeholder={t('search.placeholder')} />
          {q && <Button className="search-clear" aria-label={t('search.clear')}><Icon name="close" size={16} /></Button>}
        </SearchField>
      </form>
      <FormError message={error} />
      {hits !== null && (
        <div className="search-results-wrap">
          {hits.length === 0 && !busy && !cursor && <p className="list-note">{t('search.none')}</p>}
          {hits.length > 0 && (
            <ul className="search-results" aria-label={t('search.results')}>
              {hits.map((h) => (
                <li key={h.message.id}>
                  <a href={conversationPath(h.conversation.id, h.message.id)} className="search-hit" onClick={(e) => (e.preventDefault(), void open(h))}>
                    <span className="conversation-item-top">
                      <span className="conversation-item-name search-hit-place">{placeOf(h)}</span>
                      <time className="conversation-item-time" dateTime={new Date(h.message.createdAt).toISOString()}>{listTime(h.message.createdAt)}</time>
                    </span>
                    <span className="search-hit-sender">{nameOf(h.sender)}</span>
                    <span className="search-hit-snippet">
                      {h.snippet.field === 'attachment' && <span className="search-hit-field">{t('search.file')}</span>}
                      {h.snippet.field === 'title' && <span className="search-hit-field">{t('search.subject')}</span>}
                      <Highlighted snippet={h.snippet} />
                    </span>
                  </a>
                </li>
              ))}
            </ul>
          )}
          {cursor && (
            <button type="button" className="load-more" disabled={busy} onClick={() => void load(q.trim(), cursor)}>
              {hits.length === 0 ? t('search.older') : t('search.more')}
            </button>
          )}
        </div>
      )}
    </section>
  );
}
