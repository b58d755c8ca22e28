/**
 * The web console: one static page, no build step. It lists the live streams (refreshing itself
 * from `/api/`), plays any of them with mpegts.js (served from `/vendor/mpegts.js`) over
 * WebSocket-FLV or HTTP-FLV, lists the open RTMP connections (address, app, flashVer, what each
 * publishes or plays, bytes each way) and, for a selected one, the latest messages it sent
 * (commands with their arguments, media summarised).
 */
export const CONSOLE_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>rtmp-reference-server</title>
<style>
  body { font: 15px/1.4 system-ui, sans-serif; margin: 0; padding: 1rem; color: #222; background: #fafafa; }
  h1 { font-size: 1.2rem; margin: 0 0 1rem; }
  h2 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
  .panels { display: flex; flex-wrap: wrap; gap: 1rem; }
  .panel { flex: 1 1 22rem; min-width: 0; background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: .8rem; }
  .scroll { overflow-x: auto; }
  table { border-collapse: collapse; width: 100%; font-size: .9rem; }
  th, td { text-align: left; padding: .25rem .4rem; border-bottom: 1px solid #eee; white-space: nowrap; }
  td.wrap { white-space: normal; word-break: break-all; min-width: 10rem; }
  tr.stream, tr.client { cursor: pointer; }
  tr.stream:hover, tr.client:hover, tr.selected { background: #eef4ff; }
  video { width: 100%; background: #000; border-radius: 4px; }
  .muted { color: #777; }
  .error { color: #b00; }
</style>
</head>
<body>
<h1>rtmp-reference-server <span class="muted" id="traffic"></span></h1>
<div class="panels">
  <section class="panel">
    <h2>Live streams</h2>
    <div class="scroll"><table><thead><tr><th>stream</th><th>video</th><th>audio</th><th>size</th><th>kbit/s</th><th>players</th><th>dropped</th><th>up</th></tr></thead>
    <tbody id="streams"><tr><td colspan="8" class="muted">none yet</td></tr></tbody></table></div>
  </section>
  <section class="panel">
    <h2>Player <span class="muted" id="playing"></span></h2>
    <label>over <select id="transport"><option value="ws">WebSocket-FLV</option><option value="http">HTTP-FLV</option></select></label>
    <video id="video" muted playsinline controls></video>
    <div id="player-error" class="error"></div>
  </section>
  <section class="panel">
    <h2>Connections</h2>
    <div class="scroll"><table><thead><tr><th>address</th><th>app</th><th>flashVer</th><th>state</th><th>in</th><th>out</th></tr></thead>
    <tbody id="connections"><tr><td colspan="6" class="muted">none yet</td></tr></tbody></table></div>
    <h2>Messages <span class="muted" id="client"></span></h2>
    <div class="scroll"><table><thead><tr><th>ts</th><th>stream</th><th>type</th><th>name</th><th>details</th></tr></thead>
    <tbody id="messages"><tr><td colspan="5" class="muted">select a connection</td></tr></tbody></table></div>
  </section>
</div>
<script src="/vendor/mpegts.js"></script>
<script>
  const $ = (id) => document.getElementById(id);
  const text = (value) => String(value ?? '').replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
  let selected;
  let client;
  window.player = undefined;
  function play(key) {
    selected = key;
    if (window.player) { window.player.destroy(); window.player = undefined; }
    $('player-error').textContent = '';
    const base = location.host + '/' + key + '.flv';
    const url = ($('transport').value === 'ws' ? (location.protocol === 'https:' ? 'wss://' : 'ws://') : location.protocol + '//') + base;
    $('playing').textContent = key + ' (' + $('transport').value + ')';
    const player = mpegts.createPlayer({ type: 'flv', isLive: true, url });
    player.on(mpegts.Events.ERROR, (type, detail) => { $('player-error').textContent = type + ': ' + detail; });
    player.attachMediaElement($('video'));
    player.load();
    Promise.resolve(player.play()).catch(() => {});
    window.player = player;
    refresh();
  }
  $('transport').addEventListener('change', () => selected && play(selected));
  async function refresh() {
    let api;
    try { api = await (await fetch('/api/')).json(); } catch { return; }
    $('traffic').textContent = api.connections + ' connections, ' + Math.round(api.bytesIn / 1e6) + ' MB in, ' + Math.round(api.bytesOut / 1e6) + ' MB out';
    const streams = api.streams.filter((s) => s.publishing);
    const size = (s) => (s.width ? s.width + '×' + s.height : '');
    const up = (s) => (s.since ? Math.round((Date.now() - s.since) / 1000) + ' s' : '');
    $('streams').innerHTML = streams.length === 0 ? '<tr><td colspan="8" class="muted">none yet</td></tr>' : streams.map((s) =>
      '<tr class="stream' + (s.key === selected ? ' selected' : '') + '" data-key="' + text(s.key) + '"><td class="wrap">' + text(s.key) + '</td><td>' + text(s.videoCodec) + '</td><td>' + text(s.audioCodec) +
      '</td><td>' + text(size(s)) + '</td><td>' + text(s.bitrateKbps) + '</td><td>' + text(s.players) + '</td><td>' + text(s.dropped) + '</td><td>' + text(up(s)) + '</td></tr>').join('');
    for (const row of document.querySelectorAll('tr.stream')) row.addEventListener('click', () => play(row.dataset.key));
    const state = (c) => c.publishing.map((k) => 'publishes ' + k).concat(c.playing.map((k) => 'plays ' + k)).join(', ') || 'connected';
    const kb = (bytes) => Math.round(bytes / 1024) + ' KiB';
    const connections = api.clients ?? [];
    $('connections').innerHTML = connections.length === 0 ? '<tr><td colspan="6" class="muted">none yet</td></tr>' : connections.map((c) =>
      '<tr class="client' + (c.id === client ? ' selected' : '') + '" data-id="' + text(c.id) + '"><td>' + text(c.remoteAddress) + '</td><td>' + text(c.app) + '</td><td class="wrap">' + text(c.flashVer) + '</td><td class="wrap">' + text(state(c)) +
      '</td><td>' + text(kb(c.bytesIn)) + '</td><td>' + text(kb(c.bytesOut)) + '</td></tr>').join('');
    for (const row of document.querySelectorAll('tr.client')) row.addEventListener('click', () => { client = Number(row.dataset.id); refresh(); });
    if (client !== undefined) {
      const messages = await (await fetch('/api/clients/' + client + '/messages')).json();
      $('client').textContent = '#' + client + ', latest ' + messages.length;
      $('messages').innerHTML = messages.slice().reverse().map((m) =>
        '<tr><td>' + text(m.timestamp) + '</td><td>' + text(m.streamId) + '</td><td>' + text(m.type) + '</td><td>' + text(m.name) +
        '</td><td class="wrap">' + text(m.args ?? (m.size !== undefined ? m.size + ' bytes' : '')) + '</td></tr>').join('');
    }
  }
  refresh();
  setInterval(refresh, 2000);
</script>
</body>
</html>
`;
