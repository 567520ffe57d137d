// One message: GET /_smsvoice/messages/{id} (body, identity, records with their deliveries) and
// GET /_smsvoice/deliveries?message_id= (next attempts); manual mode moves it with .../advance.
"use strict";

(() => {
  const { api, query, watch, unread, el, time, price, statusBadge, showProblem, UI } = Smsvoice;
  const id = document.body.dataset.messageId;
  const statuses = document.body.dataset.statuses.split(" ");
  const root = document.getElementById("message");
  unread.markRead(id);
  let chosenStatus = null; // kept across the refreshes that rebuild the page

  const field = (name, value) => [el("dt", {}, name), el("dd", {}, value === null || value === undefined || value === "" ? "—" : value)];

  function parts(message) {
    if (!message.part_texts) return el("pre", { class: "body-text" }, message.body || "");
    return el(
      "ol",
      { class: "parts", "aria-label": `${message.part_texts.length} part(s)` },
      message.part_texts.map((text, index) =>
        el("li", {}, el("span", { class: "part-label" }, `part ${index + 1} · ${[...text].length} chars`), el("pre", { class: "body-text" }, text)),
      ),
    );
  }

  function controls(message) {
    if (!message.simulation.manual || message.is_final) return null;
    const advance = async (json) => {
      try {
        await api(`/messages/${encodeURIComponent(id)}/advance`, { method: "POST", json });
        await refresh();
      } catch (error) {
        showProblem(error);
      }
    };
    const target = el(
      "select",
      { id: "advance-status", "aria-label": "Status to advance to", onchange: (event) => (chosenStatus = event.target.value) },
      statuses.map((status) => el("option", { selected: status === chosenStatus }, status)),
    );
    return el(
      "section",
      { class: "card", "aria-labelledby": "manual-title" },
      el("h2", { id: "manual-title" }, "Manual mode"),
      el("p", {}, "Pending: ", message.simulation.pending.map((step) => step.event_type).join(" → ") || "nothing"),
      el(
        "div",
        { class: "inline" },
        el("button", { type: "button", class: "primary", onclick: () => advance({}) }, "Advance one step"),
        el("button", { type: "button", onclick: () => advance({ to_end: true }) }, "To the end"),
        target,
        el("button", { type: "button", onclick: () => advance({ status: target.value }) }, "Advance to status"),
      ),
    );
  }

  function deliveryRows(event, next) {
    if (!event.deliveries.length) return el("p", { class: "hint" }, "No event destination matched this record.");
    return el(
      "div",
      { class: "scroll" },
      el(
        "table",
        { class: "deliveries" },
        el("thead", {}, el("tr", {}, ["destination", "kind", "target", "status", "attempts", "last error", "delivered / next attempt"].map((name) => el("th", {}, name)))),
        el(
          "tbody",
          {},
          event.deliveries.map((item) =>
            el(
              "tr",
              {},
              el("td", {}, `${item.configuration_set} / ${item.destination_name}`),
              el("td", {}, item.destination_kind),
              el("td", { class: "arn" }, item.target_arn),
              el("td", {}, statusBadge(item.status)),
              el("td", { class: "num" }, item.attempts),
              el("td", { class: "error" }, item.last_error || ""),
              el("td", {}, item.delivered_at ? time(item.delivered_at) : next[item.id] ? `next ${time(next[item.id])}` : ""),
            ),
          ),
        ),
      ),
    );
  }

  function render(message, deliveries) {
    const next = Object.fromEntries(deliveries.map((row) => [row.id, row.next_attempt_at]));
    const opened = [...root.querySelectorAll("details")].map((details) => details.open); // kept across refreshes
    const conversation = message.origination
      ? el("a", { href: `${UI}/conversations${query({ number: message.origination, handset: message.destination, account: message.account })}` }, "conversation")
      : null;
    const sections = [
      el("h1", {}, `${message.channel} to ${message.destination} `, statusBadge(message.status)),
      el(
        "dl",
        { class: "facts" },
        field("Message id", el("code", {}, message.message_id)),
        field("From", [message.origination || "—", message.origination_identity && message.origination_identity !== message.origination ? ` (identity ${message.origination_identity})` : "", " ", conversation]),
        field("To", message.destination),
        field("Account · Region", `${message.account} · ${message.region}`),
        field("API · operation", `${message.api} · ${message.operation}`),
        field("Configuration set", message.configuration_set),
        field("Message type", message.message_type),
        field("Context", message.context ? el("code", {}, JSON.stringify(message.context)) : null),
        field("TTL (seconds)", message.time_to_live),
        field("Encoding · parts", `${message.encoding || "—"} · ${message.parts ?? "—"}`),
        field("Price", `${price(message.price)} (message ${message.price.message_price}, carrier fee ${message.price.carrier_fee} ${message.price.currency})`),
        field("Country · carrier", [message.iso_country_code, message.carrier_name].filter(Boolean).join(" · ")),
        field("Requested", time(message.requested_at)),
        field("Simulation", `rule ${message.simulation.rule} → ${message.simulation.outcome}${message.simulation.manual ? " (manual)" : ""}`),
      ),
      el("section", { "aria-labelledby": "body-title" }, el("h2", { id: "body-title" }, "Body"), parts(message)),
      controls(message),
      el(
        "section",
        { "aria-labelledby": "events-title" },
        el("h2", { id: "events-title" }, `Event records (${message.events.length})`),
        el(
          "ol",
          { class: "events" },
          message.events.map((event) =>
            el(
              "li",
              { class: "event" },
              el("h3", {}, event.event_type, " ", el("time", {}, time(event.created_at))),
              el("details", {}, el("summary", {}, "Record JSON"), el("pre", { class: "json" }, JSON.stringify(event.record, null, 2))),
              deliveryRows(event, next),
            ),
          ),
        ),
      ),
    ];
    root.replaceChildren(...sections.filter(Boolean));
    root.querySelectorAll("details").forEach((details, index) => {
      details.open = Boolean(opened[index]);
    });
    root.setAttribute("aria-busy", "false");
  }

  async function refresh() {
    const [message, deliveries] = await Promise.all([
      api(`/messages/${encodeURIComponent(id)}`),
      api(`/deliveries${query({ message_id: id })}`),
    ]);
    showProblem(null);
    render(message, deliveries.deliveries);
  }

  watch(refresh);
})();
