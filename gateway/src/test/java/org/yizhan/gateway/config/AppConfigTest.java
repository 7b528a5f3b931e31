package org.yizhan.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.ZoneId;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AppConfigTest {

  @Test
  void shippedFile_givesTheDocumentedDefaults() {
    AppConfig c = AppConfig.load(Map.of("YIZHAN_CONFIG_DIR", "../config"));
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.db().embedded()).isTrue();
    assertThat(c.zone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
    assertThat(c.identityCacheSeconds()).isEqualTo(30);
    assertThat(c.maxStayDays()).isEqualTo(366);
    assertThat(c.settlementBatch()).isEqualTo(AppConfig.SettlementBatch.DEFAULTS);
  }

  @Test
  void settlementBatch_environmentOverridesIt_andBoundsAreChecked() {
    AppConfig c =
        AppConfig.load(
            Map.of(
                "YIZHAN_CONFIG_DIR", "../config",
                "YIZHAN_SETTLEMENT_BATCH_ENABLED", "false",
                "YIZHAN_SETTLEMENT_BATCH_LINGER_MICROS", "250",
                "YIZHAN_SETTLEMENT_BATCH_MAX_SIZE", "8",
                "YIZHAN_SETTLEMENT_BATCH_LANES", "3",
                "YIZHAN_SETTLEMENT_BATCH_MAX_QUEUED_PER_LANE", "16",
                "YIZHAN_SETTLEMENT_BATCH_MAX_QUEUED", "40"));
    assertThat(c.settlementBatch())
        .isEqualTo(new AppConfig.SettlementBatch(false, 250, 8, 3, 16, 40));
    assertThatThrownBy(
            () ->
                AppConfig.load(
                    Map.of(
                        "YIZHAN_CONFIG_DIR", "../config",
                        "YIZHAN_SETTLEMENT_BATCH_MAX_SIZE", "0")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("YIZHAN_SETTLEMENT_BATCH_MAX_SIZE:");
  }

  @Test
  void environment_overridesTheFile() {
    AppConfig c =
        AppConfig.load(
            Map.of(
                "YIZHAN_CONFIG_DIR", "../config",
                "YIZHAN_HTTP_PORT", "9090",
                "YIZHAN_DB_URL", "jdbc:postgresql://127.0.0.1:5432/yizhan",
                "YIZHAN_DB_POOL_SIZE", "4"));
    assertThat(c.http().port()).isEqualTo(9090);
    assertThat(c.db().embedded()).isFalse();
    assertThat(c.db().poolSize()).isEqualTo(4);
  }

  @Test
  void badEnvironmentValue_namesTheVariable() {
    assertThatThrownBy(
            () -> AppConfig.load(Map.of("YIZHAN_CONFIG_DIR", "../config", "YIZHAN_HTTP_PORT", "x")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("YIZHAN_HTTP_PORT:");
  }

  @Test
  void missingFile_meansDefaults() {
    AppConfig c = AppConfig.load(Map.of("YIZHAN_CONFIG_DIR", "/nonexistent"));
    assertThat(c.http().port()).isEqualTo(8080);
    assertThat(c.maxStayDays()).isEqualTo(366);
    assertThat(c.settlementBatch()).isEqualTo(AppConfig.SettlementBatch.DEFAULTS);
  }
}
