/**
 * Routes of the search area. Only a type import from routes.ts (see routes-attachments.ts
 * for why).
 */
import type { RouteDef } from './routes';
import { SearchQuery, SearchResponse } from './search';

export const SEARCH_ROUTES = {
  searchMessages: { method: 'GET', path: '/api/search', summary: 'Search my history: messages of conversations I am in, newest first, with highlighted snippets', auth: true, query: SearchQuery, response: SearchResponse, status: 200, errors: [] },
} as const satisfies Record<string, RouteDef>;
