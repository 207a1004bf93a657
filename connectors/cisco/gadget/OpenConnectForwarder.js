/**
 * OpenConnect forwarder: a Finesse gadget script that sends this agent's Finesse notifications (the raw
 * <Update> XML of the Dialogs and User feeds) to the OpenConnect runner, one at a time and in order, so the
 * runner sees the same sequence the desktop saw. No UI beyond one status line.
 *
 * Layout parameters (gadget URL query string, read as user prefs): runnerUrl, token, via (proxy|direct).
 */
/* global gadgets, finesse */
(() => {
  // A browser global: the gadget's inline script calls openconnect.init() once the hub connects.
  globalThis.openconnect = globalThis.openconnect || {};
  const ns = globalThis.openconnect;

  /**
   * The forwarder without Finesse globals, so it can be tested outside a desktop.
   * env: { runnerUrl, token, agentId, extension, subscribe(topic, handler), send(request, done), log(text) }
   */
  ns.createForwarder = (env) => {
    const queue = [];
    let busy = false;
    let sent = 0;

    const headers = () => {
      const h = {
        'Content-Type': 'application/xml',
        'x-openconnect-token': env.token,
        'x-finesse-agent': env.agentId,
      };
      if (env.extension) h['x-finesse-extension'] = env.extension;
      return h;
    };

    // The desktop publishes each notification as { content: '<Update>...</Update>', object: {...} };
    // a bare XML string is accepted too. Anything else cannot be forwarded as XML.
    const xmlOf = (data) => {
      if (typeof data === 'string') return data;
      if (data && typeof data.content === 'string') return data.content;
      return null;
    };

    // One request at a time keeps the order; a network error or 5xx is retried twice, then dropped.
    const pump = () => {
      if (busy || queue.length === 0) return;
      busy = true;
      const item = queue.shift();
      env.send({ url: env.runnerUrl, headers: headers(), body: item.xml }, (status) => {
        busy = false;
        if ((status === 0 || status >= 500) && item.tries < 2) {
          item.tries += 1;
          queue.unshift(item);
          setTimeout(pump, (env.retryDelayMs ?? 1000) * item.tries);
          return;
        }
        if (status >= 200 && status < 300) {
          sent += 1;
          env.log(`forwarded ${sent} notification(s)`);
        } else {
          env.log(`the runner answered ${status} (check runnerUrl and token)`);
        }
        pump();
      });
    };

    const onNotification = (data) => {
      const xml = xmlOf(data);
      if (xml === null) {
        env.log('a notification came without its XML; it was not forwarded');
        return;
      }
      queue.push({ xml, tries: 0 });
      pump();
    };

    return {
      start: () => {
        if (!env.runnerUrl || !env.token) {
          env.log('set runnerUrl and token in the layout entry of this gadget');
          return false;
        }
        // The token travels in a header: over plain http anyone on the path could read it.
        if (!ns.isSafeRunnerUrl(env.runnerUrl)) {
          env.log(
            'runnerUrl must start with https:// (the token would travel in clear); nothing is forwarded',
          );
          return false;
        }
        // Topic names are the pubsub nodes with dots for slashes (Finesse "Finesse Notifications").
        env.subscribe(`finesse.api.User.${env.agentId}.Dialogs`, onNotification);
        env.subscribe(`finesse.api.User.${env.agentId}`, onNotification);
        env.log(`forwarding notifications of agent ${env.agentId}`);
        return true;
      },
      onNotification,
    };
  };

  /** https only; plain http is allowed to this machine alone (a local runner while testing). */
  ns.isSafeRunnerUrl = (url) => {
    const match = /^(https?):\/\/([^/:?#]+|\[[^\]]+\])/i.exec(String(url));
    if (!match) return false;
    if (match[1].toLowerCase() === 'https') return true;
    return ['localhost', '127.0.0.1', '[::1]'].includes(match[2].toLowerCase());
  };

  /** Sends through the Finesse (Shindig) proxy: no CORS set-up on the runner. */
  ns.sendViaProxy = (request, done) => {
    const params = {};
    params[gadgets.io.RequestParameters.METHOD] = gadgets.io.MethodType.POST;
    params[gadgets.io.RequestParameters.HEADERS] = request.headers;
    params[gadgets.io.RequestParameters.POST_DATA] = request.body;
    params[gadgets.io.RequestParameters.CONTENT_TYPE] = gadgets.io.ContentType.TEXT;
    gadgets.io.makeRequest(request.url, (response) => done(response.rc || 0), params);
  };

  /** Sends from the browser: the runner must allow the Finesse origin (CORS) and the custom headers. */
  ns.sendDirect = (request, done) => {
    // No Referer (the gadget's own URL carries the token as a user pref), no cookies, and no redirects:
    // a redirect would carry the token header on to wherever it points.
    fetch(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      keepalive: true,
      credentials: 'omit',
      referrerPolicy: 'no-referrer',
      redirect: 'error',
    })
      .then((response) => done(response.status))
      .catch(() => done(0));
  };

  /** Entry point on the desktop: wires the forwarder to the Finesse JavaScript library. */
  ns.init = () => {
    const prefs = new gadgets.Prefs();
    const config = finesse.gadget.Config;
    const clientServices = finesse.clientservices.ClientServices;
    clientServices.init(config, false);
    const status = document.getElementById('openconnect-status');
    const forwarder = ns.createForwarder({
      runnerUrl: prefs.getString('runnerUrl'),
      token: prefs.getString('token'),
      agentId: config.id,
      extension: config.extension,
      subscribe: (topic, handler) => clientServices.subscribe(topic, handler),
      send: prefs.getString('via') === 'direct' ? ns.sendDirect : ns.sendViaProxy,
      log: (text) => {
        if (status) status.textContent = `OpenConnect: ${text}`;
      },
    });
    forwarder.start();
    gadgets.window?.adjustHeight?.();
  };
})();
