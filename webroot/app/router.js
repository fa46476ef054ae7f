// Hash routes, so the hub serves one page and a reload keeps the place:
//   #/inbox/all  #/inbox/7  #/inbox/7/c/42  #/contacts  #/contacts/5  #/profiles/3  #/settings/inboxes/7

export function parse(hash = location.hash) {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  const page = parts[0] || 'inbox';
  const params = { parts };
  if (page === 'inbox') {
    params.inbox = parts[1] && parts[1] !== 'all' ? Number(parts[1]) : null;
    params.conversation = parts[2] === 'c' && parts[3] ? Number(parts[3]) : null;
  } else if (page === 'contacts' || page === 'profiles') {
    params.id = parts[1] ? Number(parts[1]) : null;
  } else if (page === 'settings') {
    params.section = parts[1] || null;
    params.id = parts[2] ? Number(parts[2]) : null;
  }
  return { page, params };
}

export function navigate(hash) {
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = hash;
}

export function conversationHref(inboxFilter, conversationId) {
  return `#/inbox/${inboxFilter || 'all'}/c/${conversationId}`;
}

export function onRoute(fn) {
  const handler = () => fn(parse());
  window.addEventListener('hashchange', handler);
  return () => window.removeEventListener('hashchange', handler);
}
