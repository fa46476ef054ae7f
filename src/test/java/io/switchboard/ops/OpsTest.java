package io.switchboard.ops;

import io.switchboard.testing.ApiClient;
import io.switchboard.testing.TestHub;
import io.switchboard.testing.WithHub;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@WithHub
class OpsTest {

  static TestHub hub;

  @Test
  @DisplayName("/health, /ready and (from this machine) /metrics answer without signing in")
  void operatorEndpoints() {
    ApiClient anon = new ApiClient(hub.base());
    assertThat(anon.get("/health").json().getString("status")).isEqualTo("up");
    assertThat(anon.get("/ready").expect(200).json().getString("status")).isEqualTo("ready");
    hub.admin().get("/api/v1/me").expect(200);
    ApiClient.Response metrics = anon.get("/metrics").expect(200);
    assertThat(metrics.body()).contains("vertx_http_server_requests_total").contains("switchboard_live_sockets");
  }

  @Test
  @DisplayName("unknown paths and methods answer in the API's error shape")
  void unknownPaths() {
    ApiClient admin = hub.admin();
    assertThat(admin.get("/api/v1/nothing-here").status()).isEqualTo(404);
    assertThat(admin.get("/api/v1/nothing-here").errorCode()).isEqualTo("not_found");
    assertThat(admin.get("/api/v1/inboxes/abc").status()).isEqualTo(404);
    assertThat(new ApiClient(hub.base()).post("/hooks/nothing", null).status()).isEqualTo(404);
  }
}
