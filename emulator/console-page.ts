/*
 * The console's static files. The page holds no data: its script fetches /__console/state and builds
 * every cell with textContent, so a value from a request (a tag, a name, a parameter) is never parsed
 * as HTML. The Content-Security-Policy the route sends forbids inline scripts besides.
 */

export const CONSOLE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ecs-local console</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/__console/console.css">
<script src="/__console/console.js" defer></script>
</head>
<body>
<header>
  <h1>ecs-local</h1>
  <span id="endpoint" class="muted"></span>
  <span id="live" class="live" role="status">connecting…</span>
</header>
<main>
  <section aria-labelledby="resources-title">
    <h2 id="resources-title">Resources</h2>
    <div id="regions"></div>
  </section>
  <section aria-labelledby="requests-title">
    <h2 id="requests-title">Request log <span id="request-count" class="muted"></span></h2>
    <div class="toolbar">
      <label>Show <select id="action-filter"><option value="">all actions</option></select></label>
      <label><input type="checkbox" id="errors-only"> errors only</label>
    </div>
    <table id="requests" aria-label="Request log">
      <thead><tr><th>time</th><th>action</th><th>status</th><th>error code</th><th>parameters</th></tr></thead>
      <tbody></tbody>
    </table>
  </section>
  <section aria-labelledby="faults-title">
    <h2 id="faults-title">Fault rules</h2>
    <table id="faults" aria-label="Fault rules">
      <thead><tr><th>action</th><th>answer</th><th>delay</th><th>applies</th></tr></thead>
      <tbody></tbody>
    </table>
    <form id="fault-form" class="toolbar">
      <label>Action <input name="action" list="known-actions" placeholder="any action" size="26"></label>
      <datalist id="known-actions"></datalist>
      <label>Error code <input name="code" placeholder="e.g. Throttling" size="18"></label>
      <label>Status <input name="status" type="number" placeholder="from code"></label>
      <label>Times <input name="times" type="number" placeholder="no limit"></label>
      <label>Rate <input name="rate" type="number" step="any" placeholder="0–1"></label>
      <label>Delay ms <input name="delayMs" type="number" placeholder="0"></label>
      <label><input name="dropResponse" type="checkbox"> drop the answer</label>
      <button type="submit">Add fault</button>
      <button type="button" id="clear-faults">Clear all faults</button>
      <output id="fault-error" class="error"></output>
    </form>
  </section>
</main>
</body>
</html>
`;

export const CONSOLE_CSS = `
:root { --line: #d8dde6; --muted: #667085; --bg: #f5f7fa; --accent: #ff6a00; --bad: #b42318; --good: #067647; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d2939; background: var(--bg); }
header { display: flex; align-items: baseline; gap: 16px; padding: 12px 24px; background: #fff; border-bottom: 3px solid var(--accent); }
h1 { margin: 0; font-size: 20px; }
h2 { font-size: 16px; margin: 0 0 10px; }
h3 { font-size: 14px; margin: 14px 0 6px; color: #344054; }
main { padding: 16px 24px; display: grid; gap: 16px; }
section { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; overflow-x: auto; }
.region { border-top: 1px solid var(--line); padding-top: 6px; margin-top: 6px; }
.region:first-child { border-top: 0; margin-top: 0; }
.region > h3:first-child { font-size: 15px; color: #101828; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #eaecf0; vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .02em; }
td.id, td.mono, .params { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 12.5px; }
.params { color: #344054; word-break: break-all; }
.params .protocol { display: block; color: #98a2b3; font-size: 11px; }
td.id { white-space: nowrap; }
.toolbar input[type=number] { width: 90px; }
.muted { color: var(--muted); font-weight: normal; }
.live { margin-left: auto; color: var(--muted); font-size: 12px; }
.live.ok::before { content: "●"; color: var(--good); margin-right: 4px; }
.live.down::before { content: "●"; color: var(--bad); margin-right: 4px; }
.tag { display: inline-block; background: #eef4ff; border: 1px solid #c7d7fe; border-radius: 10px; padding: 0 7px; margin: 1px 3px 1px 0; font-size: 12px; white-space: pre-wrap; }
.pill { display: inline-block; border-radius: 10px; padding: 0 7px; font-size: 12px; font-weight: 600; }
.status-ok { background: #ecfdf3; color: var(--good); }
.status-error { background: #fef3f2; color: var(--bad); }
tr.error td { background: #fffbfa; }
.toolbar { display: flex; flex-wrap: wrap; gap: 10px 14px; align-items: center; margin: 6px 0 10px; }
.toolbar label { color: #344054; font-size: 13px; }
input, select, button { font: inherit; font-size: 13px; }
input, select { padding: 3px 6px; border: 1px solid var(--line); border-radius: 5px; }
button { padding: 4px 12px; border: 1px solid var(--line); border-radius: 5px; background: #fff; cursor: pointer; }
button[type=submit] { background: var(--accent); border-color: var(--accent); color: #fff; }
.error { color: var(--bad); }
.empty { color: var(--muted); font-style: italic; }
`;

/* The page's script: plain ES2020, no template literals (it lives inside one). */
export const CONSOLE_JS = `"use strict";
(function () {
  var POLL_MS = 1000;
  var lastText = "";

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }
  function row(cells) {
    var tr = el("tr");
    cells.forEach(function (cell) {
      tr.appendChild(cell instanceof Node ? cell : el("td", cell));
    });
    return tr;
  }
  function cell(children, className) {
    var td = el("td", undefined, className);
    children.forEach(function (child) { td.appendChild(typeof child === "string" ? document.createTextNode(child) : child); });
    return td;
  }
  function tags(list) {
    if (!list.length) return [el("span", "none", "muted")];
    return list.map(function (tag) { return el("span", tag.value === "" ? tag.key : tag.key + " = " + tag.value, "tag"); });
  }
  function table(label, headers, rows, emptyText) {
    var t = el("table");
    t.setAttribute("aria-label", label);
    var head = el("tr");
    headers.forEach(function (h) { head.appendChild(el("th", h)); });
    var thead = el("thead");
    thead.appendChild(head);
    t.appendChild(thead);
    var body = el("tbody");
    if (!rows.length) {
      var empty = el("td", emptyText, "empty");
      empty.colSpan = headers.length;
      var tr = el("tr");
      tr.appendChild(empty);
      body.appendChild(tr);
    }
    rows.forEach(function (r) { body.appendChild(r); });
    t.appendChild(body);
    return t;
  }

  function count(list, one, many) {
    return list.length + " " + (list.length === 1 ? one : many);
  }

  function renderRegions(regions) {
    var root = document.getElementById("regions");
    root.replaceChildren();
    if (!regions.length) {
      root.appendChild(el("p", "No policies, disks or instances yet. Point a stack at " + location.origin + ".", "empty"));
      return;
    }
    regions.forEach(function (region) {
      var box = el("div", undefined, "region");
      box.setAttribute("data-region", region.regionId);
      var title = el("h3", region.regionId);
      title.appendChild(el("span", "  " + [count(region.policies, "policy", "policies"), count(region.disks, "disk", "disks"),
        count(region.instances, "instance", "instances")].join(", "), "muted"));
      box.appendChild(title);
      box.appendChild(el("h3", "Policies"));
      box.appendChild(table("Policies in " + region.regionId,
        ["id", "name", "schedule", "retention", "association", "tags", "disks"],
        region.policies.map(function (p) {
          var association = [el("span", p.associationType)];
          if (p.targetTags.length) association = association.concat([el("br")], tags(p.targetTags));
          return row([
            cell([p.id], "id"),
            cell([p.name || "", p.type === "System" ? el("span", " (System)", "muted") : ""]),
            p.schedule,
            p.retention,
            cell(association),
            cell(tags(p.tags)),
            String(p.diskCount),
          ]);
        }), "No policies."));
      box.appendChild(el("h3", "Disks"));
      box.appendChild(table("Disks in " + region.regionId,
        ["disk", "category", "status", "instance", "policies"],
        region.disks.map(function (d) {
          var policies = d.policies.length ? d.policies.map(function (p) {
            return el("span", p.name ? p.id + " (" + p.name + ")" + (p.byTag ? " by tag" : "") : p.id + (p.byTag ? " by tag" : ""), "tag");
          }) : [el("span", "none", "muted")];
          return row([cell([d.diskId], "id"), d.category, d.status, cell([d.instanceId || ""], "id"), cell(policies)]);
        }), "No disks."));
      box.appendChild(el("h3", "Instances"));
      box.appendChild(table("Instances in " + region.regionId,
        ["instance", "tags", "disks"],
        region.instances.map(function (i) {
          return row([cell([i.instanceId], "id"), cell(tags(i.tags)), cell([i.diskIds.join(", ")], "mono")]);
        }), "No instances."));
      root.appendChild(box);
    });
  }

  var PROTOCOL = ["Action", "Format", "Version", "AccessKeyId", "SignatureMethod", "SignatureVersion", "SignatureNonce", "Timestamp"];
  function parameters(list) {
    var own = list.filter(function (p) { return PROTOCOL.indexOf(p[0]) === -1; });
    var protocol = list.filter(function (p) { return PROTOCOL.indexOf(p[0]) !== -1; });
    var text = function (pairs) { return pairs.map(function (p) { return p[0] + "=" + p[1]; }).join("  "); };
    var nodes = [el("span", text(own))];
    if (protocol.length) nodes.push(el("span", text(protocol), "protocol"));
    return nodes;
  }

  function renderRequests(log) {
    document.getElementById("request-count").textContent =
      "(" + log.shown.length + " shown of " + log.matching + " matching, " + log.total + " kept)";
    var select = document.getElementById("action-filter");
    var chosen = select.value;
    var options = [el("option", "all actions")];
    options[0].value = "";
    log.actions.forEach(function (action) {
      var option = el("option", action);
      option.value = action;
      options.push(option);
    });
    select.replaceChildren.apply(select, options);
    select.value = chosen;
    var list = document.getElementById("known-actions");
    list.replaceChildren.apply(list, log.knownActions.map(function (action) {
      var option = el("option");
      option.value = action;
      return option;
    }));
    var body = document.querySelector("#requests tbody");
    body.replaceChildren();
    log.shown.forEach(function (r) {
      var ok = r.status === 200 && !r.dropped;
      var status = el("span", r.dropped ? "200, dropped" : r.status, "pill " + (ok ? "status-ok" : "status-error"));
      var tr = row([
        cell([r.time ? r.time.slice(11, 23) : ""], "mono"),
        r.action || "(none)",
        cell([status]),
        cell([r.code || ""], "mono"),
        cell(parameters(r.params), "params"),
      ]);
      if (!ok) tr.className = "error";
      body.appendChild(tr);
    });
    if (!log.shown.length) {
      var empty = el("td", "No requests.", "empty");
      empty.colSpan = 5;
      var tr = el("tr");
      tr.appendChild(empty);
      body.appendChild(tr);
    }
  }

  function renderFaults(faults) {
    var body = document.querySelector("#faults tbody");
    body.replaceChildren();
    faults.forEach(function (f) {
      var answer = f.code ? f.code + (f.status ? " (" + f.status + ")" : "") : f.status ? "HTTP " + f.status : "";
      if (f.dropResponse) answer = (answer ? answer + "; " : "") + "runs, then drops the answer";
      var limits = [];
      if (f.timesLeft !== null) limits.push(f.timesLeft + " more time" + (f.timesLeft === 1 ? "" : "s"));
      if (f.rate !== undefined) limits.push("rate " + f.rate + " (" + Math.round(f.rate * 100) + "% of calls)");
      var applies = limits.length ? limits.join(", ") : "every time";
      body.appendChild(row([f.action || "any action", answer || "answers normally", f.delayMs ? f.delayMs + " ms" : "", applies]));
    });
    if (!faults.length) {
      var empty = el("td", "No fault rules.", "empty");
      empty.colSpan = 4;
      var tr = el("tr");
      tr.appendChild(empty);
      body.appendChild(tr);
    }
  }

  function query() {
    var params = new URLSearchParams();
    var action = document.getElementById("action-filter").value;
    if (action) params.set("action", action);
    if (document.getElementById("errors-only").checked) params.set("errorsOnly", "true");
    return params.toString();
  }

  var live = document.getElementById("live");
  function refresh() {
    return fetch("/__console/state?" + query(), { cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (text) {
        live.className = "live ok";
        live.textContent = "live, updated " + new Date().toLocaleTimeString();
        if (text === lastText) return;
        lastText = text;
        var state = JSON.parse(text);
        renderRegions(state.regions);
        renderRequests(state.requests);
        renderFaults(state.faults);
      })
      .catch(function () {
        live.className = "live down";
        live.textContent = "ecs-local is not answering";
      });
  }

  function postFaults(method, body) {
    var error = document.getElementById("fault-error");
    error.textContent = "";
    return fetch("/__console/faults", {
      method: method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).then(function (response) {
      return response.json().then(function (answer) {
        if (!response.ok) error.textContent = answer.message;
        return refresh().then(function () { return response.ok; });
      });
    });
  }

  document.getElementById("endpoint").textContent = location.origin;
  document.getElementById("action-filter").addEventListener("change", refresh);
  document.getElementById("errors-only").addEventListener("change", refresh);
  document.getElementById("clear-faults").addEventListener("click", function () { postFaults("DELETE"); });
  document.getElementById("fault-form").addEventListener("submit", function (event) {
    event.preventDefault();
    var form = event.target;
    var rule = {};
    ["action", "code", "status", "times", "rate", "delayMs"].forEach(function (name) {
      var value = form.elements[name].value.trim();
      if (value !== "") rule[name] = form.elements[name].type === "number" ? Number(value) : value;
    });
    if (form.elements.dropResponse.checked) rule.dropResponse = true;
    postFaults("POST", rule).then(function (ok) { if (ok) form.reset(); });
  });
  refresh();
  setInterval(function () { if (!document.hidden) refresh(); }, POLL_MS);
})();
`;
