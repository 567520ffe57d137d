// The carrier simulator: /_smsvoice/simulator/rules, /simulator/clock, messages held in manual
// mode (/messages/{id}/advance) and fault rules (/_smsvoice/faults).
"use strict";

(() => {
  const { api, query, watch, el, time, showProblem, UI } = Smsvoice;
  const statuses = document.body.dataset.statuses.split(" ");
  const rulesBody = document.querySelector("#rules tbody");
  const faultsBody = document.querySelector("#faults tbody");
  const manualList = document.getElementById("manual");
  const clock = document.getElementById("clock");
  const chosen = new Map(); // message id -> the status picked for "To status"

  const act = (work) => async (event) => {
    if (event) event.preventDefault();
    try {
      await work(event);
      showProblem(null);
      await live.refresh();
    } catch (error) {
      showProblem(error);
    }
  };

  function ruleRow(rule) {
    const matches = rule.destination || (rule.prefix !== undefined ? `${rule.prefix}…` : "every number");
    const timing = [
      rule.manual ? "manual" : null,
      rule.delay_seconds ? `delay ${rule.delay_seconds}s` : null,
      rule.step_seconds ? `step ${rule.step_seconds}s` : null,
      rule.reply ? `replies ${rule.reply.map((item) => JSON.stringify(item.body)).join(", ")}` : null,
    ].filter(Boolean);
    return el(
      "tr",
      { dataset: { id: rule.id } },
      el("td", {}, el("code", {}, rule.id)),
      el("td", {}, rule.account || "every account"),
      el("td", {}, matches),
      el("td", {}, rule.channels.join(" ")),
      el("td", {}, rule.outcome || "(timing only)"),
      el("td", {}, timing.join(", ") || "immediate"),
      el(
        "td",
        {},
        el("button", { type: "button", class: "quiet", "aria-label": `Delete rule ${rule.id}`, onclick: act(() => api(`/simulator/rules${query({ id: rule.id })}`, { method: "DELETE" })) }, "Delete"),
      ),
    );
  }

  function faultRow(fault) {
    const what = [fault.error, fault.latency_ms ? `${fault.latency_ms} ms` : null].filter(Boolean).join(" + ");
    const who = [fault.account, fault.region, fault.destination, fault.prefix && `${fault.prefix}…`].filter(Boolean).join(" ");
    return el(
      "tr",
      { dataset: { id: fault.id } },
      el("td", {}, el("code", {}, fault.id)),
      el("td", {}, fault.operation || "every operation"),
      el("td", {}, what),
      el("td", {}, who || "anyone"),
      el("td", { class: "num" }, `${fault.fired ?? 0}${fault.count != null ? ` / ${fault.count}` : ""}`),
      el(
        "td",
        {},
        el("button", { type: "button", class: "quiet", "aria-label": `Delete fault rule ${fault.id}`, onclick: act(() => api(`/faults/${encodeURIComponent(fault.id)}`, { method: "DELETE" })) }, "Delete"),
      ),
    );
  }

  function manualItem(message) {
    const advance = (json) => act(() => api(`/messages/${encodeURIComponent(message.message_id)}/advance`, { method: "POST", json }));
    // The choice survives the refreshes that rebuild the list.
    const target = el(
      "select",
      { "aria-label": `Status for ${message.message_id}`, onchange: (event) => chosen.set(message.message_id, event.target.value) },
      statuses.map((status) => el("option", { selected: chosen.get(message.message_id) === status }, status)),
    );
    return el(
      "li",
      { class: "card inline", dataset: { id: message.message_id } },
      el("a", { href: `${UI}/messages/${encodeURIComponent(message.message_id)}` }, `${message.channel} to ${message.destination}`),
      el("span", {}, ` ${message.status}; next: ${message.simulation.pending.map((step) => step.event_type).join(" → ") || "—"} `),
      el("button", { type: "button", class: "primary", onclick: advance({}) }, "Advance one step"),
      el("button", { type: "button", onclick: advance({ to_end: true }) }, "To the end"),
      target,
      el("button", { type: "button", onclick: (event) => advance({ status: target.value })(event) }, "To status"),
    );
  }

  async function refresh() {
    const [rules, faults, now, recent] = await Promise.all([
      api("/simulator/rules"),
      api("/faults"),
      api("/simulator/clock"),
      api(`/messages${query({ order: "newest", limit: 500 })}`),
    ]);
    rulesBody.replaceChildren(...rules.rules.map(ruleRow));
    if (!rules.rules.length) rulesBody.replaceChildren(el("tr", {}, el("td", { colspan: 7, class: "hint" }, "No rules: every message gets its default outcome at once.")));
    faultsBody.replaceChildren(...faults.faults.map(faultRow));
    if (!faults.faults.length) faultsBody.replaceChildren(el("tr", {}, el("td", { colspan: 6, class: "hint" }, "No fault rules.")));
    clock.textContent = `Simulated time ${time(now.now)} (ahead by ${now.offset_seconds} s); ${now.pending} message(s) with timed steps pending${now.next_due_at ? `, next at ${time(now.next_due_at)}` : ""}.`;
    const held = recent.messages.filter((message) => message.simulation.manual && !message.is_final);
    manualList.replaceChildren(...held.map(manualItem));
    if (!held.length) manualList.replaceChildren(el("li", { class: "hint" }, "None of the latest 500 messages is held."));
  }

  document.getElementById("clock-form").addEventListener(
    "submit",
    act((event) => api("/simulator/clock", { method: "POST", json: { advance_seconds: Number(event.target.elements.seconds.value) } })),
  );

  document.getElementById("rule-form").addEventListener(
    "submit",
    act((event) => {
      const form = event.target;
      const values = form.elements;
      const rule = { channels: [...form.querySelectorAll("input[name=channels]:checked")].map((box) => box.value) };
      if (values.match.value !== "all") rule[values.match.value] = values.value.value.trim();
      if (values.account.value.trim()) rule.account = values.account.value.trim();
      if (values.outcome.value.trim()) rule.outcome = values.outcome.value.trim().toUpperCase();
      rule.delay_seconds = Number(values.delay_seconds.value || 0);
      rule.step_seconds = Number(values.step_seconds.value || 0);
      rule.manual = values.manual.checked;
      if (values.reply.value.trim()) rule.reply = { body: values.reply.value.trim() };
      return api("/simulator/rules", { method: "POST", json: rule }).then(() => form.reset());
    }),
  );

  document.getElementById("fault-form").addEventListener(
    "submit",
    act((event) => {
      let rule;
      try {
        rule = JSON.parse(event.target.elements.rule.value);
      } catch (error) {
        throw new Error(`The fault rule is not JSON: ${error.message}`);
      }
      return api("/faults", { method: "POST", json: rule });
    }),
  );

  const live = watch(refresh);
})();
