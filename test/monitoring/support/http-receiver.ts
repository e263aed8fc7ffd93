import { createServer, type IncomingHttpHeaders } from "node:http";

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** An HTTP receiver on 127.0.0.1:0 answering `status()` (changeable, to simulate an outage). */
export async function startReceiver(initialStatus = 200) {
  const requests: ReceivedRequest[] = [];
  let status = initialStatus;
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      if (status >= 200 && status < 300) requests.push({ path: req.url ?? "/", headers: req.headers, body });
      res.statusCode = status;
      res.end(status === 202 ? JSON.stringify({ status: "success", message: "Event processed" }) : "ok");
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    setStatus(s: number) {
      status = s;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
