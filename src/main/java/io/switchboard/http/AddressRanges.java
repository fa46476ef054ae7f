package io.switchboard.http;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;

/**
 * IP addresses and CIDR ranges from the configuration ({@code 10.0.0.5}, {@code 10.0.0.0/8}, {@code fd00::/8}), and
 * whether an address is among them. A bad entry is refused with the configuration key it came from.
 */
public final class AddressRanges {

  /** Only literals are parsed, so a configured name or a forged header never causes a DNS lookup. */
  private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]{2,45}");

  private record Range(byte[] network, int bits) {
    boolean contains(byte[] a) {
      if (a.length != network.length) return false;
      int shift = network.length * 8 - bits;
      return new BigInteger(1, a).shiftRight(shift).equals(new BigInteger(1, network).shiftRight(shift));
    }
  }

  private final List<Range> ranges = new ArrayList<>();

  public AddressRanges(String key, List<String> entries) {
    for (String e : entries) {
      String entry = e.trim();
      if (entry.isEmpty()) continue;
      String[] parts = entry.split("/", 2);
      byte[] address = parse(parts[0]);
      if (address == null) throw new IllegalArgumentException(key + ": " + entry + " is not an IP address or CIDR range");
      int bits = address.length * 8;
      if (parts.length == 2) {
        if (!parts[1].matches("\\d{1,3}") || Integer.parseInt(parts[1]) > bits) {
          throw new IllegalArgumentException(key + ": " + entry + " has a bad prefix length");
        }
        bits = Integer.parseInt(parts[1]);
      }
      ranges.add(new Range(address, bits));
    }
  }

  public boolean isEmpty() {
    return ranges.isEmpty();
  }

  /** Whether the address (a literal; anything else is in no range) is in one of the ranges. */
  public boolean contains(String address) {
    byte[] a = parse(address);
    if (a == null) return false;
    for (Range r : ranges) if (r.contains(a)) return true;
    return false;
  }

  /** The bytes of an IP literal, or null. */
  static byte[] parse(String s) {
    if (s == null || !LITERAL.matcher(s).matches() || (!s.contains(":") && !s.matches("\\d{1,3}(\\.\\d{1,3}){3}"))) return null;
    try {
      byte[] a = InetAddress.getByName(s).getAddress();
      // an IPv4 client seen through an IPv6 socket (::ffff:a.b.c.d) counts as its IPv4 address
      if (a.length == 16 && isMappedV4(a)) return Arrays.copyOfRange(a, 12, 16);
      return a;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static boolean isMappedV4(byte[] a) {
    for (int i = 0; i < 10; i++) if (a[i] != 0) return false;
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }
}
