package io.switchboard.outbound;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The channel senders this hub has, by channel name. */
public final class Senders {

  private final Map<String, ChannelSender> byChannel = new ConcurrentHashMap<>();

  public void register(String channel, ChannelSender sender) {
    byChannel.put(channel, sender);
  }

  /** The sender of a channel, or null when this hub cannot send on it. */
  public ChannelSender get(String channel) {
    return byChannel.get(channel);
  }
}
