// Regenerates docs/errors.md from the error catalogue: npm run docs:errors
import { writeFileSync } from 'node:fs';
import { renderErrorDocs } from '../packages/protocol/src/error-docs';

writeFileSync(new URL('../docs/errors.md', import.meta.url), renderErrorDocs());
