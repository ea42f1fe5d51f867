/**
 * Identifiers get their own nominal types so a user id cannot be passed where a
 * conversation id is expected. On the wire they are plain strings.
 */
declare const brand: unique symbol;
export type Brand<T, B extends string> = T & { readonly [brand]: B };

export type UserId = Brand<string, 'UserId'>;
export type ConversationId = Brand<string, 'ConversationId'>;
export type MessageId = Brand<string, 'MessageId'>;
/** Made by the client for every send; a retry with the same id returns the original message. */
export type ClientMessageId = Brand<string, 'ClientMessageId'>;
