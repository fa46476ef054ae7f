package io.switchboard.channel;

import io.switchboard.common.ApiError;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The channels this hub has, by endpoint channel name. */
public final class Channels {

  private final Map<String, Channel> byName = new LinkedHashMap<>();
  private final List<Channel> all;

  public Channels(List<Channel> channels) {
    this.all = List.copyOf(channels);
    for (Channel c : channels) for (String n : c.names()) byName.put(n, c);
  }

  public List<Channel> all() {
    return all;
  }

  /** Every endpoint channel name, in the order the channels were given. */
  public Set<String> names() {
    return byName.keySet();
  }

  /** The channel serving {@code name}; a 400 naming {@code field} when there is none. */
  public Channel get(String name, String field) {
    Channel c = byName.get(name);
    if (c == null) throw ApiError.validation(field, field + " must be one of " + String.join(", ", names()));
    return c;
  }

  public List<Channel> list() {
    return new ArrayList<>(all);
  }
}
