import type { IncomingMessage, ServerResponse } from "node:http";
import { ACTIONS } from "./actions";
import { CONSOLE_CSS, CONSOLE_HTML, CONSOLE_JS } from "./console-page";
import { type ConsoleSnapshot, parseFaultRule, regionViews, requestLogView } from "./console-view";
import type { Controls } from "./control";
import type { Service } from "./server";
import { headerValue } from "./signature";
import type { PolicyRecord } from "./store";

export const CONSOLE_PREFIX = "/__console/";

/** A browser's GET of the page: `/` with no query and no ECS action header (ECS calls carry one or the other). */
export function isConsoleRequest(req: IncomingMessage): boolean {
  const url = req.url ?? "/";
  if (url.startsWith(CONSOLE_PREFIX)) return true;
  return req.method === "GET" && url === "/" && headerValue(req.headers, "x-acs-action") === undefined;
}

const SECURITY_HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src data:; " +
    "form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
};

const ASSETS: Record<string, { type: string; text: string }> = {
  "/": { type: "text/html; charset=utf-8", text: CONSOLE_HTML },
  "/__console/console.css": { type: "text/css; charset=utf-8", text: CONSOLE_CSS },
  "/__console/console.js": { type: "text/javascript; charset=utf-8", text: CONSOLE_JS },
};

type ScheduleWords = (policy: PolicyRecord) => string;

/**
 * The provider's schedule sentence, loaded on the first page view only: it brings the provider's
 * schemas (and zod) along, which an emulator without a console never needs.
 */
let scheduleWords: Promise<ScheduleWords> | undefined;
function loadScheduleWords(): Promise<ScheduleWords> {
  scheduleWords ??= import("../provider/policy/schedule").then(
    ({ describeSchedule }) =>
      (policy) =>
        describeSchedule({
          timePoints: policy.timePoints.map(Number),
          repeatWeekdays: policy.repeatWeekdays.map(Number),
          retentionDays: policy.retentionDays,
        }),
  );
  return scheduleWords;
}

/**
 * The console: GET / (the page), its script and style, GET /__console/state (what the page shows,
 * `?action=` and `?errorsOnly=true` filter the request log), POST /__console/faults (add a rule) and
 * DELETE /__console/faults (clear them), the last two with the same effect as the control route.
 */
export function consoleRoute(service: Service, controls: Controls) {
  const knownActions = [...ACTIONS.keys()].sort();
  return async (req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://ecs-local");
    const asset = ASSETS[url.pathname];
    if (req.method === "GET" && asset) return reply(res, 200, asset.type, asset.text);
    if (req.method === "GET" && url.pathname === "/__console/state") {
      const errorsOnly = url.searchParams.get("errorsOnly") === "true";
      const action = url.searchParams.get("action") || undefined;
      const snapshot: ConsoleSnapshot = {
        regions: regionViews(service.context.state, await loadScheduleWords()),
        requests: requestLogView(service.requests, { action, errorsOnly }, knownActions),
        faults: service.faults.active().map(({ rule, remaining }) => ({
          ...rule,
          timesLeft: Number.isFinite(remaining) ? remaining : null,
        })),
      };
      return replyJson(res, 200, snapshot);
    }
    if (url.pathname === "/__console/faults" && (req.method === "POST" || req.method === "DELETE")) {
      const refusal = crossSiteRefusal(req);
      if (refusal) return replyJson(res, 403, { message: refusal });
      try {
        if (req.method === "DELETE") controls.clearFaults();
        else controls.addFault(parseFaultRule(JSON.parse(body.toString("utf8") || "null")));
      } catch (error) {
        return replyJson(res, 400, { message: (error as Error).message });
      }
      return replyJson(res, 200, {});
    }
    return replyJson(res, 404, { message: `${req.method} ${url.pathname}: no such console route` });
  };
}

/**
 * Changes come from the page only: a JSON body (which a cross-site form cannot send without a CORS
 * preflight, never granted here) and, when the browser names an origin, this server's own.
 */
function crossSiteRefusal(req: IncomingMessage): string | undefined {
  if (!(headerValue(req.headers, "content-type") ?? "").startsWith("application/json")) {
    return "content-type must be application/json";
  }
  const origin = headerValue(req.headers, "origin");
  if (origin !== undefined && origin !== `http://${req.headers.host}`) {
    return `origin ${origin} may not change this endpoint`;
  }
  return undefined;
}

function replyJson(res: ServerResponse, status: number, value: unknown): void {
  reply(res, status, "application/json; charset=utf-8", JSON.stringify(value));
}

function reply(res: ServerResponse, status: number, type: string, text: string): void {
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    "content-type": type,
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}
