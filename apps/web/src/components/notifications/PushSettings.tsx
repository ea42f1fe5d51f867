import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useServices } from '../../state/app-context';
import { describeError } from '../../state/errors';
import { FormError } from '../FormError';

type PushState = 'checking' | 'unsupported' | 'off' | 'on' | 'denied';

const SW_URL = '/sw.js';

function supported(): boolean {
  return 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
}

function base64urlToBytes(s: string): Uint8Array<ArrayBuffer> {
  const b64 = s.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (s.length % 4)) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/**
 * "Enable notifications": asks the browser's permission, registers the service worker
 * (/sw.js) and subscribes with the server's VAPID key, so new messages reach this
 * browser while none of my devices is online.
 */
export function PushSettings() {
  const { t } = useTranslation();
  const { client } = useServices();
  const [state, setState] = useState<PushState>('checking');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!supported()) return setState('unsupported');
    if (Notification.permission === 'denied') return setState('denied');
    let live = true;
    navigator.serviceWorker
      .getRegistration(SW_URL)
      .then((reg) => reg?.pushManager.getSubscription() ?? null)
      .then(
        (sub) => live && setState(sub ? 'on' : 'off'),
        () => live && setState('off'),
      );
    return () => {
      live = false;
    };
  }, []);

  const enable = async () => {
    setBusy(true);
    setError(null);
    try {
      if ((await Notification.requestPermission()) !== 'granted') return setState('denied');
      await navigator.serviceWorker.register(SW_URL);
      const reg = await navigator.serviceWorker.ready;
      const { publicKey } = await client.request('vapidKey');
      const sub = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: base64urlToBytes(publicKey) });
      const json = sub.toJSON();
      if (!json.endpoint || !json.keys?.p256dh || !json.keys.auth) throw new Error('the browser gave an incomplete subscription');
      await client.request('addPushSubscription', { body: { endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth }, expirationTime: json.expirationTime ?? null } });
      setState('on');
    } catch (err) {
      setError(err instanceof DOMException ? t('push.couldNot', { name: err.name }) : describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const disable = async () => {
    setBusy(true);
    setError(null);
    try {
      const sub = await (await navigator.serviceWorker.getRegistration(SW_URL))?.pushManager.getSubscription();
      if (sub) {
        await client.request('removePushSubscription', { query: { endpoint: sub.endpoint } });
        await sub.unsubscribe();
      }
      setState('off');
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="settings-card push-settings" aria-label={t('push.title')}>
      <h3 className="section-title">{t('push.title')}</h3>
      <p className="muted">{state === 'checking' ? '' : t(`push.${state}`)}</p>
      {state === 'off' && <button type="button" disabled={busy} onClick={() => void enable()}>{t('push.enable')}</button>}
      {state === 'on' && <button type="button" disabled={busy} onClick={() => void disable()}>{t('push.disable')}</button>}
      <FormError message={error} />
    </section>
  );
}
