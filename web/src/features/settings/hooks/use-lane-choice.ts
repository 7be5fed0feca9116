// useLaneChoice: the composer's lane. It defaults to the conversation's lane (then the server's
// default); a lane picked in the composer holds for that conversation only, and is what a send
// names (a send without a pick names none: the server uses the conversation's lane, E15).
import { useState } from 'react';

interface Pick {
  conversationId: string | undefined;
  lane: string;
}

export function useLaneChoice(
  conversationId: string | undefined,
  conversationLane: string | null | undefined,
  defaultLane: string | null,
) {
  const [pick, setPick] = useState<Pick | null>(null);
  const picked = pick !== null && pick.conversationId === conversationId ? pick.lane : undefined;
  return {
    /** The lane shown: picked here, else the conversation's, else the server's default. */
    lane: picked ?? conversationLane ?? defaultLane,
    /** The lane picked in the composer for this conversation, which a send names; else undefined. */
    picked,
    pick: (lane: string) => setPick({ conversationId, lane }),
    /** Follows the conversation's lane again (after the header set it). */
    clear: () => setPick(null),
  };
}
