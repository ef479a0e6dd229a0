import { test } from '../fixtures';
import { startCoturn, NAMESPACE_IP } from '../coturn';
import { FirefoxUser } from '../firefox';
test('ff turn errors', async ({ firefox, server }) => {
  const turn = await startCoturn('s', NAMESPACE_IP);
  const user = await FirefoxUser.open(firefox, `${server.url}/?room=focus`, 'alice');
  const out = await user.page.evaluate(async (url) => {
    const log: string[] = [];
    const pc = new RTCPeerConnection({ iceServers: [{ urls: url, username: '123:x', credential: 'bad' }], iceTransportPolicy: 'relay' });
    pc.addEventListener('icecandidateerror', (e) => { const ev = e as RTCPeerConnectionIceErrorEvent; log.push(`err ${ev.errorCode} ${ev.errorText} url=${ev.url} addr=${ev.address}`); });
    pc.addEventListener('icecandidate', (e) => log.push(`cand ${JSON.stringify(e.candidate?.candidate)}`));
    pc.addEventListener('icegatheringstatechange', () => log.push(`gathering ${pc.iceGatheringState}`));
    pc.createDataChannel('x');
    await pc.setLocalDescription(await pc.createOffer());
    await new Promise((r) => setTimeout(r, 5000));
    return log;
  }, turn.url);
  console.log(out.join('\n'));
});
