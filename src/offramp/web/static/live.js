// offramp: the live desk. Progressive enhancement only: every page works without it.
//
// Live regions. An element marked data-live="NAME" data-live-events="PREFIXES" is fetched
//   again (the page's own URL) and swapped in place when an event of the case's stream
//   arrives whose type starts with one of the prefixes. The stream is
//   GET /api/cases/{case}/events (Server-Sent Events, signed by the session cookie);
//   the case is <body data-live-case>, or each of data-live-cases on a page that spans
//   cases. Typed text, focus and selection, open <details> and scroll survive the swap.
// Countdowns. <time data-countdown datetime=ISO data-before="due in" data-after="overdue by">
//   tick in the desk's clock: <body data-desk-now> is the desk's now when the page was
//   rendered, and the time elapsed since is added from performance.now(); the browser's
//   wall clock is never read. data-desk-ticks="no": the desk's clock stands still.
// Unread. For each user, case and channel, the id of the last event seen there is kept in
//   the browser's localStorage, under "offramp.seen.<user>.<case>" as
//   {"<channel>": id, "*": id} ("*": the channels never opened). The counts on the case
//   list and the shuttle's channel headers are the messages posted or relayed since
//   then, read from the stream resumed at that id (?after=, answered at once). Ids are
//   opaque; only the server reads them. A channel is seen when its column is on screen.
// Announcements. A region's [data-live-summary] (words for what it shows) is read into the
//   page's [data-live-announce] (role=status, aria-live=polite) when a swap changes it.
// Notifications. On "What needs me", a button asks leave to notify; after that, each new
//   item that needs the user is announced once (Notification API).
// Ended sessions. Watching is not using: the stream and the fetches of this script (sent
//   with X-Offramp-Live) do not keep the session alive, so a page left open idles out.
//   When a stream is refused (EventSource closed; a poll answers 401) or a fetch lands on
//   the sign-in page, a banner says so, with a sign-in link back to this page.
(() => {
  "use strict";
  const body = document.body;
  if (!body || !window.fetch) return;

  // A form refused over the write limit comes back at the address it was posted to, filled
  // as typed; the address of the page it was sent from is put back, so that reloading and
  // the live regions below get that page rather than the form's action.
  const refusedForm = document.querySelector("[data-flash='refused'][data-page-url]");
  if (refusedForm) history.replaceState(history.state, "", refusedForm.dataset.pageUrl);

  const EVENT_TYPES = [
    "message.posted", "message.relayed", "claim.changed", "proposal.changed",
    "ledger.recorded", "statement.added", "statement.confirmed", "position.changed",
    "note.changed", "member.added", "share.created", "case.changed", "source.added",
    "incident.logged", "incident.changed", "step.due", "step.overdue",
    "notification.sent", "notification.acknowledged", "commitment.changed",
    "assurance.changed", "escalation.scored", "alert.raised", "crisis.channel.added",
    "alert.rule.changed",
  ];
  const MESSAGE_EVENTS = new Set(["message.posted", "message.relayed"]);
  const MAX_STREAMS = 4; // a browser keeps about six connections to one host
  const userEl = document.querySelector("header [data-user]");
  const user = userEl ? userEl.dataset.user : "";

  // -- the desk's clock ------------------------------------------------------------------
  let deskBase = Date.parse(body.dataset.deskNow || "");
  let perfBase = performance.now();
  let ticks = body.dataset.deskTicks !== "no";
  const deskNow = () => deskBase + (ticks ? performance.now() - perfBase : 0);
  function syncClock(doc) {
    const at = Date.parse((doc.body && doc.body.dataset.deskNow) || "");
    if (!Number.isNaN(at)) {
      deskBase = at;
      perfBase = performance.now();
      ticks = doc.body.dataset.deskTicks !== "no";
    }
  }

  // as offramp.model.deadlines.format_duration: "1 d 2 h 5 min"
  function duration(ms) {
    let total = Math.floor(Math.abs(ms) / 1000);
    const days = Math.floor(total / 86400);
    total -= days * 86400;
    const hours = Math.floor(total / 3600);
    const minutes = Math.floor((total - hours * 3600) / 60);
    const parts = days ? [`${days} d`] : [];
    if (hours) parts.push(`${hours} h`);
    if (minutes || !parts.length) parts.push(`${minutes} min`);
    return parts.join(" ");
  }

  function tick() {
    if (Number.isNaN(deskBase)) return;
    const now = deskNow();
    document.querySelectorAll("time[data-countdown]").forEach((el) => {
      const due = Date.parse(el.getAttribute("datetime") || "");
      if (Number.isNaN(due)) return;
      const passed = due <= now;
      const words = passed
        ? `${el.dataset.after || "overdue by"} ${duration(now - due)}`
        : `${el.dataset.before || "due in"} ${duration(due - now)}`;
      if (el.textContent !== words) el.textContent = words;
      const item = el.closest("[data-state]");
      if (item && passed && item.dataset.state === "due") item.dataset.state = "overdue";
    });
    const words = new Date(now).toISOString().slice(0, 16).replace("T", " ") + " UTC";
    document.querySelectorAll("time[data-desk-clock], time[data-now], [data-desk-time] time")
      .forEach((clock) => {
        if (clock.textContent !== words) clock.textContent = words;
      });
  }
  tick();
  setInterval(tick, 1000);

  // -- what was seen: localStorage per user and case ---------------------------------------
  const seenKey = (slug) => `offramp.seen.${user}.${slug}`;
  function seen(slug) {
    try {
      return JSON.parse(localStorage.getItem(seenKey(slug)) || "{}") || {};
    } catch (_) {
      return {};
    }
  }
  function remember(slug, record) {
    try {
      localStorage.setItem(seenKey(slug), JSON.stringify(record));
    } catch (_) {
      /* storage full or refused: counts start again next visit */
    }
  }

  // the stream's events after ``cursor`` (or just its ready id when null), at once
  function parseStream(text) {
    const out = [];
    for (const block of text.split(/\n\n+/)) {
      const ev = { id: "", type: "message", data: null };
      for (const line of block.split("\n")) {
        const at = line.indexOf(":");
        if (at <= 0) continue;
        const field = line.slice(0, at);
        const value = line.slice(at + 1).replace(/^ /, "");
        if (field === "id") ev.id = value;
        else if (field === "event") ev.type = value;
        else if (field === "data") {
          try { ev.data = JSON.parse(value); } catch (_) { ev.data = null; }
        }
      }
      if (ev.id) out.push(ev);
    }
    return out;
  }
  async function poll(slug, cursor) {
    const url = `/api/cases/${encodeURIComponent(slug)}/events?wait=0` +
      (cursor ? `&after=${encodeURIComponent(cursor)}` : "");
    const res = await fetch(url, { credentials: "same-origin" });
    if (res.status === 400 || res.status === 422) return null; // an id of another server
    if (!res.ok) throw new Error(`events: ${res.status}`);
    return parseStream(await res.text());
  }

  // the messages of ``slug`` posted or relayed since each channel's seen id (or "*"):
  // {channel: [message id, ...]}
  async function unread(slug) {
    let record = seen(slug);
    if (!record["*"]) {
      const first = await poll(slug, null);
      const ready = first && first.find((e) => e.type === "ready");
      if (ready) remember(slug, (record = { ...record, "*": ready.id }));
      return {};
    }
    const own = Object.keys(record).filter((k) => k !== "*");
    const cursors = [...new Set([record["*"], ...own.map((k) => record[k])])].slice(0, 8);
    const got = {};
    for (const c of cursors) {
      const events = await poll(slug, c);
      if (events === null) { // the server no longer reads these ids: start again
        remember(slug, {});
        return unread(slug);
      }
      got[c] = events;
    }
    const out = {};
    const collect = (events, keep) => {
      for (const e of events || []) {
        if (!MESSAGE_EVENTS.has(e.type) || !e.data || !keep(e.data.channel)) continue;
        (out[e.data.channel] = out[e.data.channel] || []).push(String(e.data.message));
      }
    };
    for (const k of own) collect(got[record[k]], (ch) => ch === k);
    collect(got[record["*"]], (ch) => !own.includes(ch));
    return out;
  }

  function badge(holder, n, attr, value) {
    let b = holder.querySelector(`[${attr}]`);
    if (!n) {
      if (b) b.remove();
      return;
    }
    if (!b) {
      b = document.createElement("span");
      b.className = "badge";
      b.setAttribute(attr, value);
      holder.append(" ", b);
    }
    b.textContent = `${n > 99 ? "99+" : n} new`;
    b.setAttribute("aria-label", `${n} new message${n === 1 ? "" : "s"} since your last visit`);
  }

  // -- live regions ----------------------------------------------------------------------
  const wants = (type) =>
    [...document.querySelectorAll("[data-live]")].some((r) =>
      (r.dataset.liveEvents || "").split(/\s+/).some((p) => p && (p === "*" || type.startsWith(p))));

  function stateOf(region) {
    const fields = {};
    region.querySelectorAll("input[id], textarea[id], select[id]").forEach((el) => {
      if (el.type === "hidden") return;
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked !== el.defaultChecked) fields[el.id] = { checked: el.checked };
      } else if (el.tagName === "SELECT") {
        const changed = [...el.options].some((o) => o.selected !== o.defaultSelected);
        if (changed) fields[el.id] = { value: el.value };
      } else if (el.value !== el.defaultValue) {
        fields[el.id] = { value: el.value };
      }
    });
    const open = new Set();
    region.querySelectorAll("details").forEach((d, k) => {
      if (d.open) open.add(detailsKey(d, k));
    });
    const scrolls = {};
    region.querySelectorAll("[data-channel] ol, ol.messages").forEach((el) => {
      const key = scrollKey(el);
      const atEnd = el.scrollTop + el.clientHeight >= el.scrollHeight - 4;
      scrolls[key] = { top: el.scrollTop, atEnd };
    });
    return { fields, open, scrolls };
  }
  function detailsKey(d, k) {
    const owner = d.parentElement && d.parentElement.closest("[id], [data-claim], [data-proposal]");
    const name = owner ? owner.id || owner.dataset.claim || owner.dataset.proposal : "";
    const summary = d.querySelector("summary");
    return `${name}|${summary ? summary.textContent.trim() : k}`;
  }
  function scrollKey(el) {
    const col = el.closest("[data-channel]");
    return col ? col.dataset.channel : "list";
  }
  function restore(region, state) {
    for (const [id, v] of Object.entries(state.fields)) {
      const el = document.getElementById(id);
      if (!el || !region.contains(el)) continue;
      if ("checked" in v) el.checked = v.checked;
      else el.value = v.value;
    }
    region.querySelectorAll("details").forEach((d, k) => {
      if (state.open.has(detailsKey(d, k))) d.open = true;
    });
    region.querySelectorAll("[data-channel] ol, ol.messages").forEach((el) => {
      const s = state.scrolls[scrollKey(el)];
      el.scrollTop = !s || s.atEnd ? el.scrollHeight : s.top;
    });
  }

  // A swapped region is a new element, which screen readers do not announce; so a
  // region's [data-live-summary] is read, when its words change, into the page's one
  // polite live region, [data-live-announce], which is never swapped.
  function announce(old, fresh) {
    const said = document.querySelector("[data-live-announce]");
    const next = fresh.querySelector("[data-live-summary]");
    if (!said || !next) return;
    const prev = old.querySelector("[data-live-summary]");
    const words = next.textContent.trim();
    if (prev && prev.textContent.trim() === words) return;
    said.textContent = words;
  }

  let pending = false;
  let running = false;
  let stopped = false;
  function schedule() {
    pending = true;
    if (!running) run();
  }
  async function run() {
    running = true;
    while (pending && !stopped) {
      pending = false;
      await new Promise((r) => setTimeout(r, 60)); // one fetch for a burst of events
      try {
        await refresh();
      } catch (_) {
        /* the next event tries again */
      }
    }
    running = false;
  }
  async function refresh() {
    const res = await fetch(location.href, {
      credentials: "same-origin", cache: "no-store", headers: { "X-Offramp-Live": "1" },
    });
    if (res.redirected && new URL(res.url).pathname !== location.pathname) {
      stopped = true; // signed out meanwhile: leave the page as it is, and say so
      if (new URL(res.url).pathname === "/sign-in") sessionEnded();
      return;
    }
    if (!res.ok) return;
    const doc = new DOMParser().parseFromString(await res.text(), "text/html");
    syncClock(doc);
    const active = document.activeElement;
    const focus = active && active.id ? {
      id: active.id,
      start: "selectionStart" in active ? active.selectionStart : null,
      end: "selectionEnd" in active ? active.selectionEnd : null,
    } : null;
    document.querySelectorAll("[data-live]").forEach((region) => {
      const twin = doc.querySelector(`[data-live="${CSS.escape(region.dataset.live)}"]`);
      if (!twin) return;
      const before = new Set([...region.querySelectorAll("[data-message], [data-need]")]
        .map((el) => el.dataset.message || el.dataset.need));
      const state = stateOf(region);
      const fresh = document.importNode(twin, true);
      region.replaceWith(fresh);
      // a compose box stays the very element the user is typing in (text, listeners)
      fresh.querySelectorAll("form[data-compose]").forEach((form) => {
        const kept = region.querySelector(`form[data-compose="${CSS.escape(form.dataset.compose)}"]`);
        if (kept) form.replaceWith(kept);
      });
      restore(fresh, state);
      announce(region, fresh);
      document.dispatchEvent(new CustomEvent("offramp:live-swap", { detail: { region: fresh } }));
      fresh.querySelectorAll("[data-message], [data-need]").forEach((el) => {
        if (!before.has(el.dataset.message || el.dataset.need)) el.classList.add("live-flash");
      });
    });
    if (focus) {
      const el = document.getElementById(focus.id);
      if (el && el !== document.activeElement) {
        el.focus({ preventScroll: true });
        if (focus.start !== null && typeof el.setSelectionRange === "function") {
          try { el.setSelectionRange(focus.start, focus.end); } catch (_) { /* not text */ }
        }
      }
    }
    tick();
    afterSwap();
  }

  // -- the shuttle: channel headers and what is new there ---------------------------------
  const liveCase = body.dataset.liveCase || "";
  let unreadState = {}; // channel -> ids of the messages new since the last visit
  const hiddenSince = {}; // channel -> messages that arrived while the tab was hidden
  const shownChannels = () =>
    [...document.querySelectorAll("section[data-channel]")].map((s) => s.dataset.channel);
  function markChannels() {
    document.querySelectorAll("section[data-channel]").forEach((col) => {
      const ch = col.dataset.channel;
      // the viewer's own messages are not news to them
      const mine = (id) => {
        const li = col.querySelector(`[data-message="${CSS.escape(id)}"]`);
        const author = li && li.querySelector(".meta strong");
        return author !== null && author.textContent.trim() === user;
      };
      const news = (unreadState[ch] || []).filter((id) => !mine(id));
      const h = col.querySelector("h2");
      if (h) badge(h, news.length + (hiddenSince[ch] || 0), "data-unread-channel", ch);
      for (const id of news) {
        const li = col.querySelector(`[data-message="${CSS.escape(id)}"]`);
        if (li) li.classList.add("unread");
      }
    });
  }
  function markSeen(cursor) {
    const channels = shownChannels();
    if (!liveCase || !cursor || !channels.length) return;
    const record = seen(liveCase);
    for (const ch of channels) record[ch] = cursor;
    if (!record["*"]) record["*"] = cursor;
    remember(liveCase, record);
  }

  // -- the case list: counts per case ------------------------------------------------------
  const caseRows = () => [...document.querySelectorAll("[data-live='cases'] tr[data-case]")];
  async function countCases() {
    for (const row of caseRows().slice(0, 20)) {
      try {
        const got = await unread(row.dataset.case);
        const n = Object.values(got).reduce((a, ids) => a + ids.length, 0);
        const cell = row.querySelector("td");
        if (cell) badge(cell, n, "data-unread-case", row.dataset.case);
      } catch (_) {
        /* a case that cannot be read is shown without a count */
      }
    }
  }

  // -- notifications on "What needs me" ----------------------------------------------------
  const needsKey = `offramp.needs.${user}`;
  function knownNeeds() {
    try { return new Set(JSON.parse(localStorage.getItem(needsKey) || "[]")); } catch (_) { return new Set(); }
  }
  function notifyNew(first) {
    const items = [...document.querySelectorAll("[data-need]")];
    if (!items.length && !document.querySelector("[data-live='needs']")) return;
    const known = knownNeeds();
    const allowed = "Notification" in window && Notification.permission === "granted";
    for (const li of items) {
      const key = li.dataset.need;
      if (known.has(key) || first) continue;
      if (allowed) {
        const title = (li.querySelector(".need-title") || li).textContent.trim();
        const detail = (li.querySelector(".need-detail") || li).textContent.trim();
        const link = li.querySelector("a[data-need-link]");
        const n = new Notification(title, { body: detail, tag: key });
        if (link) n.onclick = () => { window.focus(); location.href = link.href; };
      }
    }
    try {
      localStorage.setItem(needsKey, JSON.stringify(items.map((li) => li.dataset.need)));
    } catch (_) { /* not kept */ }
  }
  function setUpNotify() {
    const box = document.querySelector("[data-notify]");
    if (!box || !("Notification" in window)) return;
    const state = box.querySelector("[data-notify-state]");
    const button = box.querySelector("[data-notify-toggle]");
    const show = () => {
      const p = Notification.permission;
      if (button) button.hidden = p !== "default";
      if (state) {
        state.textContent = p === "granted" ? "Desktop notifications are on for this browser."
          : p === "denied" ? "This browser refuses notifications from the desk." : "";
      }
    };
    box.hidden = false;
    show();
    if (button) button.addEventListener("click", () => Notification.requestPermission().then(show));
  }

  function afterSwap() {
    markChannels();
    notifyNew(false);
  }

  // -- the session ended: a banner instead of a page going silently stale ----------------
  let ended = false;
  function sessionEnded() {
    if (ended) return;
    ended = true;
    stopped = true;
    body.dataset.liveState = "ended";
    const banner = document.createElement("div");
    banner.className = "flash error session-ended";
    banner.setAttribute("role", "alert");
    banner.dataset.sessionEnded = "";
    const p = document.createElement("p");
    p.append("Your session has ended; sign in again to see new events. ");
    const link = document.createElement("a");
    const back = encodeURIComponent(location.pathname + location.search);
    link.href = `/sign-in?next=${back}&done=session-ended`;
    link.textContent = "Sign in";
    p.append(link);
    banner.append(p);
    const main = document.querySelector("main") || body;
    main.prepend(banner);
  }
  // EventSource does not tell why it gave up: ask once, without counting as a use
  async function checkRefused(slug) {
    try {
      const res = await fetch(`/api/cases/${encodeURIComponent(slug)}/events?wait=0`,
        { credentials: "same-origin", cache: "no-store" });
      if (res.status === 401) sessionEnded();
    } catch (_) { /* the desk is unreachable: the stream retries on its own */ }
  }

  // -- streams ---------------------------------------------------------------------------
  function open(slug, onEvent) {
    if (!window.EventSource) return null;
    const es = new EventSource(`/api/cases/${encodeURIComponent(slug)}/events`);
    es.addEventListener("error", () => {
      if (es.readyState === EventSource.CLOSED && !ended) checkRefused(slug);
    });
    es.addEventListener("ready", (e) => {
      body.dataset.liveState = "connected"; // the page is live (tests wait for this)
      onEvent("ready", e);
    });
    for (const type of EVENT_TYPES) es.addEventListener(type, (e) => onEvent(type, e));
    return es;
  }
  const dataOf = (e) => { try { return JSON.parse(e.data); } catch (_) { return {}; } };

  let lastCursor = "";
  async function start() {
    setUpNotify();
    notifyNew(true);
    if (liveCase) {
      const onShuttle = shownChannels().length > 0;
      let counted = !onShuttle;
      open(liveCase, async (type, e) => {
        lastCursor = e.lastEventId || lastCursor;
        if (type === "ready") {
          if (!counted) {
            counted = true;
            try { unreadState = await unread(liveCase); } catch (_) { /* no counts */ }
            markChannels();
          }
          if (!document.hidden) markSeen(lastCursor);
          return;
        }
        if (MESSAGE_EVENTS.has(type) && document.hidden) {
          const ch = dataOf(e).channel;
          if (ch && shownChannels().includes(ch)) hiddenSince[ch] = (hiddenSince[ch] || 0) + 1;
        } else if (!document.hidden) {
          markSeen(lastCursor);
        }
        if (wants(type)) schedule();
      });
      document.addEventListener("visibilitychange", () => {
        if (!document.hidden) markSeen(lastCursor);
      });
    }
    const spans = new Set();
    document.querySelectorAll("[data-live-cases]").forEach((el) =>
      el.dataset.liveCases.split(/\s+/).filter(Boolean).forEach((s) => spans.add(s)));
    caseRows().forEach((r) => spans.add(r.dataset.case));
    spans.delete(liveCase);
    const listed = caseRows().length > 0;
    for (const slug of [...spans].slice(0, MAX_STREAMS - (liveCase ? 1 : 0))) {
      open(slug, (type, e) => {
        if (type === "ready") return;
        if (listed && MESSAGE_EVENTS.has(type)) {
          const row = document.querySelector(`tr[data-case="${CSS.escape(slug)}"]`);
          const cell = row && row.querySelector("td");
          const b = cell && cell.querySelector("[data-unread-case]");
          const n = b ? parseInt(b.textContent, 10) || 0 : 0;
          if (cell) badge(cell, n + 1, "data-unread-case", slug);
        }
        if (wants(type)) schedule();
      });
    }
    if (listed) countCases();
  }
  start();
})();
