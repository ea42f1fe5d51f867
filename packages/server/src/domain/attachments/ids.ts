import type { AttachmentId } from '@parley/protocol';
import { newId } from '../ids';

/** Time-ordered like every id, with 74 random bits: not guessable, and never a user's file name. */
export const newAttachmentId = () => newId() as AttachmentId;
