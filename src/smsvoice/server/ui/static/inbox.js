// The inbox: every message of every account and Region, newest first, from GET /_smsvoice/messages,
// refreshed by the change stream; filters live in the page's URL so a view can be shared.
"use strict";

(() => {
  const { api, query, watch, unread, el, shortTime, price, statusBadge, showProblem, UI } = Smsvoice;
  const form = document.getElementById("filters");
  const list = document.getElementById("messages");
  const summary = document.getElementById("summary");
  const more = document.getElementById("more");
  const PAGE = 100;
  let limit = PAGE;
  let shown = [];
  let selected = null; // the selected message's id

  // Form fields <-> the page's URL.
  const url = new URL(window.location.href);
  for (const field of form.elements) {
    if (field.name && url.searchParams.has(field.name)) field.value = url.searchParams.get(field.name);
  }

  // What handsets sent has no status, channel or configuration set: those filters rest meanwhile.
  function fitFiltersToDirection() {
    const received = form.elements.direction.value === "inbound";
    for (const name of ["status", "channel", "configuration_set"]) form.elements[name].disabled = received;
  }

  function filters() {
    fitFiltersToDirection();
    const values = Object.fromEntries(new FormData(form));
    const toEpoch = (day, extraDays) => {
      if (!day) return "";
      const [year, month, date] = day.split("-").map(Number);
      return new Date(year, month - 1, date + extraDays).getTime() / 1000;
    };
    return {
      values,
      params: {
        direction: values.direction,
        q: values.q,
        number: values.number,
        status: values.status,
        channel: values.channel,
        account: values.account,
        configuration_set: values.configuration_set,
        since: toEpoch(values.since, 0),
        until: toEpoch(values.until, 1), // the whole "To" day
        order: "newest",
      },
    };
  }

  function row(message) {
    const inbound = message.direction === "inbound";
    const href = inbound
      ? `${UI}/conversations${query({ number: message.destination, handset: message.origination, account: message.account })}`
      : `${UI}/messages/${encodeURIComponent(message.message_id)}`;
    const isUnread = !unread.isRead(message.message_id);
    const at = inbound ? message.received_at : message.requested_at;
    return el(
      "li",
      {
        class: `message${isUnread ? " unread" : ""}${message.message_id === selected ? " selected" : ""}`,
        dataset: { id: message.message_id },
      },
      el(
        "a",
        { href, class: "message-link", onclick: () => unread.markRead(message.message_id) },
        el("span", { class: "dot", "aria-label": isUnread ? "unread" : null }),
        el(
          "span",
          { class: "who" },
          el("span", { class: "from" }, message.origination || message.origination_identity || "—"),
          el("span", { class: "arrow", "aria-hidden": "true" }, inbound ? " ⇠ " : " → "),
          el("span", { class: "to" }, message.destination),
        ),
        el("span", { class: "body" }, message.body || ""),
        el(
          "span",
          { class: "meta" },
          inbound ? el("span", { class: "badge" }, `received${message.keyword ? ` · ${message.keyword}` : ""}`) : statusBadge(message.status),
          inbound ? null : el("span", { class: "channel" }, message.channel),
          message.configuration_set ? el("span", { class: "set" }, message.configuration_set) : null,
          el("span", { class: "account" }, `${message.account} · ${message.region}`),
          inbound ? null : el("span", { class: "price" }, price(message.price)),
          el("time", { datetime: new Date(at * 1000).toISOString() }, shortTime(at)),
        ),
      ),
    );
  }

  function render() {
    list.replaceChildren(...shown.map(row));
    const unreadCount = shown.filter((message) => !unread.isRead(message.message_id)).length;
    summary.textContent = `${shown.length}${shown.length >= limit ? "+" : ""} message${shown.length === 1 ? "" : "s"}, ${unreadCount} unread`;
    document.getElementById("unread-count").textContent = unreadCount ? String(unreadCount) : "";
    more.hidden = shown.length < limit;
  }

  async function refresh() {
    const { params } = filters();
    const answer = await api(`/messages${query({ ...params, limit })}`);
    showProblem(null);
    shown = answer.messages;
    render();
  }

  const live = watch(refresh);
  let typing = null;
  const changed = () => {
    const { values } = filters();
    const next = new URL(window.location.href);
    next.search = query(values);
    history.replaceState(null, "", next);
    limit = PAGE;
    clearTimeout(typing);
    typing = setTimeout(() => live.refresh().catch(showProblem), 150);
  };
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    changed();
  });
  form.addEventListener("reset", () => setTimeout(changed));
  more.addEventListener("click", () => {
    limit += PAGE;
    live.refresh();
  });
  document.getElementById("mark-all-read").addEventListener("click", () => {
    unread.markAllRead(shown.map((message) => message.message_id));
    render();
  });

  // j/k (or the arrows) select, Enter/o opens, u toggles unread.
  function select(index) {
    const rows = [...list.children];
    if (!rows.length) return;
    const bounded = Math.max(0, Math.min(rows.length - 1, index));
    selected = rows[bounded].dataset.id;
    rows.forEach((item, at) => item.classList.toggle("selected", at === bounded));
    rows[bounded].querySelector("a").focus();
  }
  document.addEventListener("keydown", (event) => {
    if (event.target.closest("input, textarea, select") || event.ctrlKey || event.metaKey || event.altKey) return;
    // Enter on another control (a button, a link of the header) is that control's.
    if (event.key === "Enter" && event.target !== document.body && !list.contains(event.target)) return;
    const rows = [...list.children];
    const current = rows.findIndex((item) => item.dataset.id === selected);
    if (event.key === "j" || event.key === "ArrowDown") {
      select(current + 1);
    } else if (event.key === "k" || event.key === "ArrowUp") {
      select(current < 0 ? 0 : current - 1);
    } else if ((event.key === "o" || event.key === "Enter") && current >= 0) {
      unread.markRead(selected);
      rows[current].querySelector("a").click();
    } else if (event.key === "u" && current >= 0) {
      if (unread.isRead(selected)) unread.markUnread(selected);
      else unread.markRead(selected);
      render();
      select(current);
    } else {
      return;
    }
    event.preventDefault();
  });
})();
