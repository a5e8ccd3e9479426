// Device monitor page: the organization's devices from `list_devices`, live status changes from
// nginx's nchan channel (fed by the device monitor's pg_notify), a 30 s poll and a manual
// refresh, and revocation for admins. No build step, no dependencies.
"use strict";

(() => {
  const API = "/functions/v1/device-enrollment";
  const LIVE = "/monitor/live/";
  const TOKEN_KEY = "nexus-monitor-token";
  const POLL_MS = 30000;
  const PAGE_SIZE = 200;
  const MAX_PAGES = 25;
  const STATUSES = {
    active: { css: "online", label: "Online" },
    offline: { css: "offline", label: "Offline" },
    pending: { css: "pending", label: "Pending" },
    revoked: { css: "revoked", label: "Revoked" },
    inactive: { css: "inactive", label: "Inactive" },
  };

  const state = {
    token: null,
    devices: new Map(),
    scope: null,
    organization: null,
    updatedAt: null,
    stream: null,
    pollTimer: null,
    reconnectDelay: 1000,
    pendingRevoke: null,
    refreshSoon: null,
    loadFailed: false,
  };

  const $ = (id) => document.getElementById(id);

  // ---- session ----

  // The token comes in the fragment (never sent to a server, never in a log) and is then kept
  // for this tab only; the fragment is removed from the address bar at once.
  function tokenFromLocation() {
    const fragment = new URLSearchParams(location.hash.replace(/^#/, ""));
    const token = fragment.get("token");
    if (token) {
      history.replaceState(null, "", location.pathname + location.search);
      sessionStorage.setItem(TOKEN_KEY, token);
      return token;
    }
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function signIn(token) {
    state.token = token;
    $("sign-in").hidden = true;
    $("session-actions").hidden = false;
    refresh().then(() => subscribe());
    clearInterval(state.pollTimer);
    state.pollTimer = setInterval(refresh, POLL_MS);
  }

  function signOut(message) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    clearInterval(state.pollTimer);
    if (state.stream) state.stream.abort();
    state.stream = null;
    state.devices.clear();
    $("overview").hidden = true;
    $("session-actions").hidden = true;
    $("sign-in").hidden = false;
    showMessage(message || "", "error");
    $("token-input").focus();
  }

  // ---- the service ----

  async function call(action, fields) {
    const response = await fetch(API, {
      method: "POST",
      cache: "no-store",
      headers: { "Authorization": "Bearer " + state.token, "Content-Type": "application/json" },
      body: JSON.stringify({ action, ...fields }),
    });
    let body = null;
    try { body = await response.json(); } catch (_) { /* not JSON: reported by status */ }
    if (!response.ok) {
      const error = new Error((body && body.error) || "HTTP " + response.status);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  async function refresh() {
    if (!state.token) return;
    $("refresh").disabled = true;
    try {
      const devices = [];
      let cursor = null;
      let first = null;
      for (let page = 0; page < MAX_PAGES; page++) {
        const answer = await call("list_devices", cursor ? { limit: PAGE_SIZE, cursor } : { limit: PAGE_SIZE });
        first = first || answer;
        devices.push(...answer.devices);
        cursor = answer.next_cursor;
        if (!cursor) break;
      }
      const organizationChanged = state.organization !== first.organization_id;
      state.scope = first.scope;
      state.organization = first.organization_id;
      state.devices = new Map(devices.map((device) => [device.id, device]));
      state.updatedAt = new Date();
      if (state.loadFailed) showMessage("");
      state.loadFailed = false;
      render();
      if (organizationChanged && state.stream) subscribe();
    } catch (error) {
      if (error.status === 401) return signOut("Your session is not valid any more: sign in again.");
      state.loadFailed = true;
      showMessage("Could not load the devices: " + error.message, "error");
    } finally {
      $("refresh").disabled = false;
    }
  }

  // ---- live updates: Server-Sent Events read through fetch, so the token goes in a header ----

  async function subscribe() {
    if (state.stream) state.stream.abort();
    if (!state.token || !state.organization) {
      setLive("disconnected", "Live updates off");
      return;
    }
    const controller = new AbortController();
    state.stream = controller;
    try {
      const response = await fetch(LIVE + state.organization, {
        cache: "no-store",
        headers: { "Authorization": "Bearer " + state.token, "Accept": "text/event-stream" },
        signal: controller.signal,
      });
      if (!response.ok) throw new Error("HTTP " + response.status);
      setLive("connected", "Live");
      state.reconnectDelay = 1000;
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      let buffer = "";
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true }).replace(/\r\n?/g, "\n");
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          handleEvent(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
        }
      }
    } catch (_) {
      if (controller.signal.aborted) return;
    }
    if (state.stream !== controller) return;
    setLive("disconnected", "Reconnecting…");
    setTimeout(() => { if (state.stream === controller) subscribe(); }, state.reconnectDelay);
    state.reconnectDelay = Math.min(state.reconnectDelay * 2, 30000);
  }

  function handleEvent(block) {
    const data = block.split("\n").filter((line) => line.startsWith("data:"))
      .map((line) => line.slice(5).replace(/^ /, "")).join("\n");
    if (!data) return;
    let notice;
    try { notice = JSON.parse(data); } catch (_) { return; }
    const device = state.devices.get(notice.device_id);
    if (device && typeof notice.status === "string") {
      device.status = notice.status;
      if (notice.status === "active") device.last_seen = new Date().toISOString();
      render(notice.device_id);
    }
    // The notice carries only the status: fetch the rest (last seen, node) a moment later.
    clearTimeout(state.refreshSoon);
    state.refreshSoon = setTimeout(refresh, 1500);
  }

  function setLive(css, text) {
    const element = $("live-state");
    element.className = "live " + css;
    element.textContent = text;
  }

  // ---- rendering (text only: nothing from the service is parsed as HTML) ----

  function element(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === undefined || value === null || value === false) continue;
      if (name === "className") node.className = value;
      else node.setAttribute(name, value);
    }
    for (const child of children) {
      if (child !== null && child !== undefined) node.append(child);
    }
    return node;
  }

  function relativeTime(iso) {
    if (!iso) return "never";
    const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
    if (seconds < 45) return "just now";
    const minutes = Math.round(seconds / 60);
    if (minutes < 60) return minutes + " min ago";
    const hours = Math.round(minutes / 60);
    if (hours < 24) return hours + " h ago";
    const days = Math.round(hours / 24);
    return days === 1 ? "1 day ago" : days + " days ago";
  }

  function timeElement(iso) {
    if (!iso) return element("span", {}, "never");
    return element("time", { datetime: iso, title: new Date(iso).toLocaleString() }, relativeTime(iso));
  }

  function badge(status, flash) {
    const known = STATUSES[status] || { css: "inactive", label: status };
    return element("span", { className: "badge " + known.css + (flash ? " flash" : ""), "data-status": status }, known.label);
  }

  const isAdmin = () => state.scope === "organization" || state.scope === "all";

  function render(changedID) {
    document.body.classList.toggle("is-admin", isAdmin());
    $("overview").hidden = false;
    const devices = [...state.devices.values()];
    const counts = { online: 0, offline: 0, pending: 0, revoked: 0 };
    for (const device of devices) {
      const css = (STATUSES[device.status] || {}).css;
      if (css in counts) counts[css] += 1;
    }
    for (const [name, count] of Object.entries(counts)) {
      document.querySelector(`[data-count="${name}"]`).textContent = String(count);
    }
    $("updated-at").textContent = state.updatedAt ? state.updatedAt.toLocaleTimeString() : "never";

    const focused = document.activeElement && document.activeElement.dataset.revoke;
    $("device-rows").replaceChildren(...devices.map((device) => row(device, device.id === changedID)));
    $("empty").hidden = devices.length > 0;
    if (focused) {
      const again = document.querySelector(`[data-revoke="${focused}"]`);
      if (again) again.focus();
    }
    renderAttention(devices);
  }

  function row(device, flash) {
    const owner = device.owner_name || device.user_id || "unknown";
    const actions = isAdmin() && device.status !== "revoked"
      ? element("button", { type: "button", className: "danger", "data-revoke": device.id,
                            "aria-label": "Revoke " + device.name }, "Revoke")
      : null;
    return element("tr", { "data-device-id": device.id },
      element("td", { "data-label": "Device" },
        element("span", {}, element("span", { className: "name" }, device.name),
          element("span", { className: "sub" }, [device.device_type, device.os].filter(Boolean).join(" · ")))),
      element("td", { "data-label": "Owner" }, element("span", {}, owner)),
      element("td", { "data-label": "Status" }, badge(device.status, flash)),
      element("td", { "data-label": "Trust" }, element("span", {}, device.trust_level)),
      element("td", { "data-label": "Last seen" }, timeElement(device.last_seen)),
      element("td", { "data-label": "Hostname" }, element("span", { className: "mono" }, device.tailscale_hostname || "—")),
      element("td", { "data-label": "IP" }, element("span", { className: "mono" }, device.tailscale_ip || "—")),
      element("td", { className: "admin-only" }, actions));
  }

  function renderAttention(devices) {
    const items = [];
    if (isAdmin()) {
      for (const device of devices) {
        if (device.status === "pending") {
          const expiry = device.enrollment_expires_at
            ? " (token expires " + new Date(device.enrollment_expires_at).toLocaleString() + ")" : "";
          items.push(element("li", { "data-attention": "pending" },
            element("strong", {}, device.name), " waits for enrollment by " + (device.owner_name || "its owner") + expiry));
        }
        if (device.link_ambiguous) {
          items.push(element("li", { "data-attention": "ambiguous" },
            element("strong", {}, device.name),
            ": several tailnet nodes could be this device. Resolve it with validate-enrollment and the machine's hostname."));
        }
        if (device.revocation_pending) {
          items.push(element("li", { "data-attention": "revocation" },
            element("strong", {}, device.name), ": revoked; removal from the tailnet is being retried."));
        }
      }
    }
    $("attention-list").replaceChildren(...items);
    $("attention").hidden = items.length === 0;
  }

  function refreshTimes() {
    for (const time of document.querySelectorAll("#device-rows time")) {
      time.textContent = relativeTime(time.getAttribute("datetime"));
    }
  }

  function showMessage(text, kind) {
    const message = $("message");
    message.textContent = text;
    message.className = "message" + (kind === "info" ? " info" : "");
    message.setAttribute("role", kind === "info" ? "status" : "alert");
    message.hidden = !text;
  }

  // ---- revocation ----

  function askToRevoke(id) {
    const device = state.devices.get(id);
    if (!device) return;
    state.pendingRevoke = id;
    $("confirm-text").textContent = `“${device.name}” (${device.owner_name || "unknown owner"}) loses access for good: ` +
      "its node is removed from the tailnet and its key revoked. This cannot be undone.";
    $("confirm-revoke").showModal();
  }

  async function revoke(id) {
    const device = state.devices.get(id);
    try {
      const answer = await call("revoke_device", { device_id: id });
      showMessage(answer.upstream === "completed"
        ? `Revoked “${device ? device.name : id}”.`
        : `Revoked “${device ? device.name : id}”; its removal from the tailnet is retried until Tailscale answers.`, "info");
    } catch (error) {
      if (error.status === 401) return signOut("Your session is not valid any more: sign in again.");
      showMessage("Could not revoke the device: " + error.message, "error");
    }
    await refresh();
  }

  // ---- wiring ----

  document.addEventListener("DOMContentLoaded", () => {
    $("sign-in-form").addEventListener("submit", (event) => {
      event.preventDefault();
      let token = $("token-input").value.trim();
      // A pasted sign-in link works as well as a bare token.
      const fragment = token.indexOf("#token=");
      if (fragment >= 0) token = decodeURIComponent(token.slice(fragment + 7));
      $("token-input").value = "";
      if (!token) return;
      sessionStorage.setItem(TOKEN_KEY, token);
      signIn(token);
    });
    $("refresh").addEventListener("click", refresh);
    $("sign-out").addEventListener("click", () => signOut(""));
    $("device-rows").addEventListener("click", (event) => {
      const button = event.target.closest("[data-revoke]");
      if (button) askToRevoke(button.dataset.revoke);
    });
    $("confirm-revoke").addEventListener("close", () => {
      const id = state.pendingRevoke;
      state.pendingRevoke = null;
      if ($("confirm-revoke").returnValue === "revoke" && id) revoke(id);
    });
    setInterval(refreshTimes, 15000);

    const token = tokenFromLocation();
    if (token) signIn(token);
    else signOut("");
  });
})();
