// A room as a view renders it: kind, session state, members and chat (the organisation's notices
// among its lines), kept up to date from the room's events. Shared by the client and clinician
// views. Sequence numbers stay inside the client library: nothing here shows them.

import { learnName } from './ui.js';

export class RoomModel {
  constructor(snapshot) {
    this.id = snapshot.room;
    this.chat = [];
    this.waiting = [];
    this.apply(snapshot);
  }

  /** Takes the state of a (fresh) snapshot: after a join, an admission, or a room that could not be recovered. */
  apply(snapshot) {
    this.kind = snapshot.roomKind;
    this.state = snapshot.state;
    this.parent = snapshot.parent || null;
    this.members = new Map(snapshot.members.map((m) => [m.user, { ...m }]));
    for (const m of snapshot.members) learnName(m.user, m.name);
  }

  /** Applies one room event; returns what changed: "members", "chat", "state", or null. */
  event(m) {
    switch (m.type) {
      case 'room.member_joined':
        learnName(m.member.user, m.member.name);
        this.members.set(m.member.user, { ...m.member });
        return 'members';
      case 'room.member_left':
        this.members.delete(m.user);
        return 'members';
      case 'presence.changed': {
        const member = this.members.get(m.user);
        if (member) member.status = m.status;
        return 'members';
      }
      case 'room.member_stepped_out':
      case 'room.member_returned': {
        const member = this.members.get(m.user);
        if (member) member.steppedOut = m.type === 'room.member_stepped_out';
        return 'members';
      }
      case 'chat.message':
        learnName(m.from, m.name);
        this.chat.push({ from: m.from, name: m.name, text: m.text, at: m.sentAt });
        if (this.chat.length > 500) this.chat.shift();
        return 'chat';
      case 'room.notice':
        // The organisation's backend (a scheduler) speaks to the room: a line of its own, not a member's.
        this.chat.push({ notice: true, from: m.from, text: m.text, at: m.sentAt });
        if (this.chat.length > 500) this.chat.shift();
        return 'chat';
      case 'session.state':
        this.state = m.state;
        this.stateReason = m.reason || null;
        return 'state';
      default:
        return null;
    }
  }

  /** Members sorted: facilitators first, then by name. */
  sortedMembers() {
    const rank = { facilitator: 0, co_facilitator: 1, observer: 2, participant: 3, support: 4 };
    return [...this.members.values()].sort((a, b) => (rank[a.roomRole] - rank[b.roomRole])
      || (a.name || a.user).localeCompare(b.name || b.user));
  }
}

/** Room event types routed to a RoomModel by their `room`. */
export const ROOM_EVENTS = ['room.member_joined', 'room.member_left', 'presence.changed', 'room.member_stepped_out',
  'room.member_returned', 'chat.message', 'room.notice', 'session.state'];

/** How a member is described in a roster: "Dr Bo — therapist, busy". */
export function describeMember(m, me) {
  const role = { facilitator: 'therapist', co_facilitator: 'co-therapist', observer: 'observer', support: 'support person' }[m.roomRole];
  const bits = [role, m.status && m.status !== 'available' ? m.status.replace('_', ' ') : null, m.steppedOut ? 'stepped out' : null]
    .filter(Boolean);
  const name = (m.name || m.user) + (m.user === me ? ' (you)' : '');
  return bits.length ? `${name} — ${bits.join(', ')}` : name;
}
