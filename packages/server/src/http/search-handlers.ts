import type { Services } from '../domain/services';
import type { Handler } from './handlers';

/** Handlers of SEARCH_ROUTES, merged into buildHandlers. */
export function searchHandlers(s: Services): { searchMessages: Handler<'searchMessages'> } {
  return {
    searchMessages: async (ctx) => s.search.search(ctx.auth!.userId, ctx.query),
  };
}
