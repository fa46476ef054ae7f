package io.switchboard.socket;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The one reader of agents' and visitors' frames; the sockets' own tests drive it over real WebSockets. */
class FrameReaderTest {

  static final class Recorder implements FrameReader.Peer {
    final List<JsonObject> sent = new ArrayList<>();
    Short closedWith;

    @Override
    public void send(JsonObject frame) {
      sent.add(frame);
    }

    @Override
    public void close(short code, String reason) {
      if (closedWith == null) closedWith = code;
    }
  }

  @Test
  @DisplayName("an operation passes; a frame over the limit in UTF-8 bytes is answered and closes with 4413")
  void sizeIsCountedInBytes() {
    Recorder peer = new Recorder();
    FrameReader reader = new FrameReader(peer, 64, 100);
    assertThat(reader.read("{\"op\":\"ping\"}")).isEqualTo(new JsonObject().put("op", "ping"));
    // 30 characters, 90 bytes
    assertThat(reader.read("{\"op\":\"x\",\"t\":\"" + "€".repeat(30) + "\"}")).isNull();
    assertThat(peer.sent).extracting(f -> f.getString("code")).containsExactly("too_large");
    assertThat(peer.closedWith).isEqualTo(FrameReader.TOO_LARGE);
  }

  @Test
  @DisplayName("bad frames are answered with an error each, and the 21st closes with 4400")
  void badFramesAreCounted() {
    Recorder peer = new Recorder();
    FrameReader reader = new FrameReader(peer, 1024, 1000);
    assertThat(reader.read("not json")).isNull();
    assertThat(reader.read("[1]")).isNull();
    assertThat(reader.read("{\"op\":7}")).isNull();
    for (int i = 0; i < 17; i++) reader.binary();
    assertThat(peer.closedWith).isNull();
    assertThat(peer.sent).hasSize(20).allMatch(f -> f.getString("type").equals("error") && f.getString("code").equals("bad_frame"));
    reader.bad("unknown_op", "unknown op");
    assertThat(peer.closedWith).isEqualTo(FrameReader.PROTOCOL);
  }

  @Test
  @DisplayName("a burst of twice the rate passes; past it each frame is refused, and after 20 refusals the socket closes with 4429")
  void rateIsLimited() {
    Recorder peer = new Recorder();
    FrameReader reader = new FrameReader(peer, 1024, 5);
    int passed = 0;
    for (int i = 0; i < 10; i++) if (reader.read("{\"op\":\"ping\"}") != null) passed++;
    assertThat(passed).isEqualTo(10);
    for (int i = 0; i < 20; i++) assertThat(reader.read("{\"op\":\"ping\"}")).isNull();
    assertThat(peer.sent).hasSize(20).allMatch(f -> f.getString("code").equals("rate_limited"));
    assertThat(peer.closedWith).isNull();
    reader.read("{\"op\":\"ping\"}");
    assertThat(peer.closedWith).isEqualTo(FrameReader.RATE_LIMITED);
  }
}
