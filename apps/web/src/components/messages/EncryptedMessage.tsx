/** An end-to-end encrypted message this app cannot decrypt yet: a placeholder, never the ciphertext. */
import { useTranslation } from 'react-i18next';
import { i18n } from '../../i18n/i18n';
import type { KindRenderer } from './renderers';

function EncryptedBody() {
  const { t } = useTranslation();
  return <span className="encrypted-placeholder">{t('message.encrypted')}</span>;
}

export const encryptedRenderer: KindRenderer<'encrypted'> = {
  title: () => null,
  Body: EncryptedBody,
  plainText: () => i18n.t('message.encrypted'),
  editable: false,
};
