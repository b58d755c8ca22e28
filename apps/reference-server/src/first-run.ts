/** What a person at a terminal needs to start: where to publish, where to play, where to watch. */
export function firstRunText(server: { url: string; httpUrl: string | undefined }): string {
  const publish = `${server.url}/live/test`;
  const lines = [
    '',
    `  Publish to   ${publish}`,
    `    ffmpeg:    ffmpeg -re -i input.mp4 -c copy -f flv ${publish}`,
    `    OBS:       Settings > Stream > Service "Custom...", Server ${server.url}/live, Stream Key test`,
    `  Play         ffplay ${publish}`,
  ];
  if (server.httpUrl !== undefined)
    lines.push(`  Watch        open ${server.httpUrl}/ (the console: streams, players, connections)`);
  lines.push('  Stop         Ctrl+C', '');
  return `${lines.join('\n')}\n`;
}
