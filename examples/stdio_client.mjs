#!/usr/bin/env node
// A complete claude-py client in Node, with no dependencies.
//
// It starts `claude-py-server --stdio`, opens a session in the current directory, sends one
// prompt, prints the answer as it streams, allows each tool call the daemon asks about (saying
// so on stderr), and shuts down. The frames are those of protocol.md ("A whole session, frame by
// frame").
//
//     node examples/stdio_client.mjs "Create hello.txt saying hi"
//
// CLAUDE_PY_SERVER names the daemon command (default `claude-py-server`).

import { spawn } from "node:child_process";

const [command, ...args] = (process.env.CLAUDE_PY_SERVER || "claude-py-server").split(" ");
const daemon = spawn(command, [...args, "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });

let buffer = Buffer.alloc(0);
let nextId = 0;
const waiting = new Map(); // request id -> resolve

function send(message) {
  const body = Buffer.from(JSON.stringify(message));
  daemon.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
  daemon.stdin.write(body);
}

function request(method, params) {
  const id = ++nextId;
  send({ jsonrpc: "2.0", id, method, params });
  return new Promise((resolve, reject) => waiting.set(id, { resolve, reject }));
}

function notify(method, params) {
  send({ jsonrpc: "2.0", method, params });
}

function handle(message) {
  if (message.id !== undefined && message.method === undefined) {
    const pending = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error) pending.reject(new Error(message.error.message));
    else pending.resolve(message.result);
    return;
  }
  const params = message.params || {};
  if (message.method === "session/update") {
    const update = params.update;
    if (update.kind === "agent_message_chunk") process.stdout.write(update.text);
    else if (update.kind === "tool_call") process.stderr.write(`\n[tool] ${update.toolCall.title}\n`);
  } else if (message.method === "session/requestPermission") {
    process.stderr.write(`[allowing] ${params.toolCall.title}\n`);
    send({ jsonrpc: "2.0", id: message.id, result: { outcome: { outcome: "selected", optionId: "allow_once" } } });
  } else if (message.id !== undefined) {
    // A question this client cannot answer (session/askUser...): say so, never hang.
    send({ jsonrpc: "2.0", id: message.id, error: { code: -32601, message: `${message.method} is not handled by this client` } });
  }
}

daemon.stdout.on("data", (chunk) => {
  buffer = Buffer.concat([buffer, chunk]);
  for (;;) {
    const end = buffer.indexOf("\r\n\r\n");
    if (end < 0) return;
    const header = buffer.subarray(0, end).toString();
    const match = /content-length:\s*(\d+)/i.exec(header);
    const length = Number(match[1]);
    if (buffer.length < end + 4 + length) return;
    const body = buffer.subarray(end + 4, end + 4 + length);
    buffer = buffer.subarray(end + 4 + length);
    handle(JSON.parse(body.toString()));
  }
});

const prompt = process.argv.slice(2).join(" ") || "Say hello.";
const capabilities = { experimental: { claudePy: { requestPermission: true } } };
await request("initialize", { processId: process.pid, clientInfo: { name: "example-node" }, capabilities });
notify("initialized", {});
const session = await request("session/new", { cwd: process.cwd() });
const result = await request("session/prompt", {
  sessionId: session.sessionId,
  prompt: [{ type: "text", text: prompt }],
});
process.stderr.write(`\n[done] ${result.stopReason}\n`);
await request("shutdown");
notify("exit");
daemon.on("exit", (code) => process.exit(code ?? 1));
