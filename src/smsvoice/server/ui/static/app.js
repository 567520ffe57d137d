// What every page of the web inbox shares: the inspection API (with the admin token), the change
// stream, unread marks, building DOM safely, formatting, keyboard. Plain JavaScript, no build.
"use strict";

const Smsvoice = (() => {
  const body = document.body;
  const API = body.dataset.api;
  const UI = body.dataset.ui;
  const TOKEN_KEY = "smsvoice.adminToken";
  const READ_KEY = "smsvoice.read";

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  function headers(extra) {
    const all = { Accept: "application/json", ...extra };
    const token = localStorage.getItem(TOKEN_KEY);
    if (token) all.Authorization = `Bearer ${token}`;
    return all;
  }

  // One prompt at a time; every call that met a 401 waits for it, then tries once more.
  let asking = null;
  function askToken(reason = "") {
    if (!asking) {
      const dialog = document.getElementById("token-dialog");
      const input = document.getElementById("token-input");
      document.getElementById("token-reason").textContent = reason;
      input.value = localStorage.getItem(TOKEN_KEY) || "";
      asking = new Promise((resolve) => {
        dialog.addEventListener(
          "close",
          () => {
            asking = null;
            if (dialog.returnValue === "save" && input.value) localStorage.setItem(TOKEN_KEY, input.value);
            if (dialog.returnValue === "forget") localStorage.removeItem(TOKEN_KEY);
            resolve(dialog.returnValue === "save");
          },
          { once: true },
        );
        dialog.showModal();
      });
    }
    return asking;
  }

  // `path` is under /_smsvoice; `json`, when given, is sent as the body. Answers the parsed JSON
  // (null for an empty answer); throws ApiError with the API's {"error"} message. A refused token
  // opens the token prompt.
  async function api(path, { method = "GET", json } = {}) {
    const init = { method, headers: headers(json === undefined ? {} : { "Content-Type": "application/json" }) };
    if (json !== undefined) init.body = JSON.stringify(json);
    const answer = await fetch(API + path, init);
    const refusal = tokenRefusal(answer);
    // Tried again each time a person gives a token (never without one).
    if (refusal && (await askToken(`${refusal} (HTTP ${answer.status})`))) return api(path, { method, json });
    const text = await answer.text();
    let parsed = null;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch (_) {
      parsed = { error: text };
    }
    if (!answer.ok) {
      throw new ApiError(answer.status, (parsed && (parsed.error || parsed.message)) || answer.statusText);
    }
    return parsed;
  }

  // 401: the server wants the admin token; 403 with a token kept here: it refused that token.
  function tokenRefusal(answer) {
    if (answer.status === 401) return "This server asks for its admin token";
    if (answer.status === 403 && localStorage.getItem(TOKEN_KEY)) return "The server refused the token kept here";
    return null;
  }

  function query(params) {
    const found = new URLSearchParams();
    for (const [name, value] of Object.entries(params)) {
      if (value !== undefined && value !== null && value !== "") found.set(name, value);
    }
    const text = found.toString();
    return text ? `?${text}` : "";
  }

  // The change stream, read with fetch so that it can carry the Authorization header (EventSource
  // cannot). `onChange` runs when the stream is ready and after each change, never twice at once and
  // at most every 200 ms; the stream reconnects when it ends or breaks.
  function watch(onChange) {
    const live = document.getElementById("live");
    let running = false;
    let again = false;
    let timer = null;
    const run = async () => {
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        await onChange();
      } catch (error) {
        showProblem(error);
      } finally {
        running = false;
        if (again) {
          again = false;
          schedule();
        }
      }
    };
    const schedule = () => {
      clearTimeout(timer);
      timer = setTimeout(run, 200);
    };
    const stopped = new AbortController();
    window.addEventListener("pagehide", () => stopped.abort());

    const connect = async () => {
      while (!stopped.signal.aborted) {
        try {
          const answer = await fetch(`${API}/changes`, {
            headers: headers({ Accept: "text/event-stream" }),
            signal: stopped.signal,
          });
          const refusal = tokenRefusal(answer);
          if (refusal) {
            live.textContent = "token needed";
            if (!(await askToken(`${refusal} (HTTP ${answer.status})`))) return; // no token: no live updates
            continue;
          }
          if (!answer.ok || !answer.body) throw new Error(`change stream: ${answer.status}`);
          const reader = answer.body.pipeThrough(new TextDecoderStream()).getReader();
          let buffer = "";
          for (;;) {
            const { value, done } = await reader.read();
            if (done) break;
            buffer += value;
            let end;
            while ((end = buffer.indexOf("\n\n")) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const event = /^event: (\w+)/m.exec(block);
              if (!event) continue; // a heartbeat
              if (event[1] === "ready") {
                live.textContent = "live";
                live.classList.add("on");
                run();
              } else if (event[1] === "changed") {
                schedule();
              }
            }
          }
        } catch (error) {
          if (stopped.signal.aborted) return;
          console.warn("the change stream broke; reconnecting", error);
        }
        live.textContent = "reconnecting";
        live.classList.remove("on");
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    };
    connect();
    return { refresh: run };
  }

  // Unread marks live in this browser (localStorage): reading is a person's business, not the
  // server's, and tests reading the API must never see a message change because someone looked.
  const reads = new Set(JSON.parse(localStorage.getItem(READ_KEY) || "[]"));
  const saveReads = () => localStorage.setItem(READ_KEY, JSON.stringify([...reads].slice(-5000)));
  const unread = {
    isRead: (id) => reads.has(id),
    markRead(id) {
      reads.add(id);
      saveReads();
    },
    markUnread(id) {
      reads.delete(id);
      saveReads();
    },
    markAllRead(ids) {
      ids.forEach((id) => reads.add(id));
      saveReads();
    },
  };

  // el("a", {href: ..., class: ...}, "text", child, ...): text always goes in as text.
  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (value === undefined || value === null || value === false) continue;
      if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
      else if (name === "dataset") Object.assign(node.dataset, value);
      else node.setAttribute(name, value === true ? "" : value);
    }
    for (const child of children.flat()) {
      if (child === undefined || child === null || child === false) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  const time = (epoch) => (epoch == null ? "" : new Date(epoch * 1000).toLocaleString());
  const shortTime = (epoch) => {
    if (epoch == null) return "";
    const date = new Date(epoch * 1000);
    const today = new Date().toDateString() === date.toDateString();
    return today ? date.toLocaleTimeString() : date.toLocaleString();
  };
  const price = (value) => (value && value.total != null ? `$${value.total.toFixed(5)}` : "");
  const statusBadge = (status) =>
    el("span", { class: `badge status-${String(status || "").toLowerCase()}` }, status || "");

  function showProblem(error) {
    const box = document.getElementById("problem");
    if (!error) {
      box.hidden = true;
      return;
    }
    box.textContent = error instanceof ApiError ? `${error.message} (HTTP ${error.status})` : String(error);
    box.hidden = false;
  }

  // Keyboard: "?" help, "/" search, "g" then a letter to go to a view; pages add their own keys.
  let pendingG = false;
  const views = { i: "/", c: "/conversations", s: "/simulator", r: "/resources" };
  document.addEventListener("keydown", (event) => {
    const target = event.target;
    const typing = target instanceof HTMLElement && target.closest("input, textarea, select, [contenteditable]");
    if (event.key === "Escape" && typing) {
      target.blur();
      return;
    }
    if (typing || event.ctrlKey || event.metaKey || event.altKey) return;
    if (pendingG) {
      pendingG = false;
      if (views[event.key]) {
        window.location.href = UI + views[event.key];
        event.preventDefault();
      }
      return;
    }
    if (event.key === "g") {
      pendingG = true;
      return;
    }
    if (event.key === "?") {
      document.getElementById("help-dialog").showModal();
      event.preventDefault();
    } else if (event.key === "/") {
      const search = document.querySelector("input[type=search]");
      if (search) {
        search.focus();
        event.preventDefault();
      }
    }
  });
  document.getElementById("token-button").addEventListener("click", () => askToken().then(() => location.reload()));

  return { API, UI, api, query, watch, unread, el, time, shortTime, price, statusBadge, showProblem, ApiError };
})();
