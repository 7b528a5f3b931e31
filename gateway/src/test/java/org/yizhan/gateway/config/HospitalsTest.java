package org.yizhan.gateway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yizhan.core.policy.UnknownItems;

/** The hospital registry's own setting for item codes not in the catalogue. */
class HospitalsTest {
  static final Path SHIPPED = Path.of("..", "config", "hospitals.yaml");
  static final String H2 = "  - code: H44520200002\n";

  @Test
  void shippedRegistry_followsThePolicyForUnknownItems() {
    List<Hospitals.Hospital> hospitals = Hospitals.load(SHIPPED);

    assertThat(hospitals).isNotEmpty().allMatch(h -> h.unknownItems() == null);
    assertThat(Hospitals.unknownItemsByHospital(hospitals)).isEmpty();
  }

  @Test
  void hospitalSettingUnknownItems_isLoaded(@TempDir Path dir) throws IOException {
    Path file = edited(dir, H2 + "    unknownItems: REFUSE\n");

    assertThat(Hospitals.unknownItemsByHospital(Hospitals.load(file)))
        .isEqualTo(Map.of("H44520200002", UnknownItems.REFUSE));
  }

  @Test
  void hospitalUnknownItemsOfAnotherWord_isRefusedNamingTheField(@TempDir Path dir)
      throws IOException {
    Path file = edited(dir, H2 + "    unknownItems: refuse\n");

    assertThatThrownBy(() -> Hospitals.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "hospitals.yaml: hospitals[1].unknownItems: unknown setting 'refuse'; expected one of"
                + " [SELF_PAY, REFUSE]");
  }

  @Test
  void nationalSettings_defaultOff_andLoadedWhereGiven(@TempDir Path dir) throws IOException {
    assertThat(Hospitals.load(SHIPPED))
        .allMatch(h -> h.national().equals(Hospitals.National.DEFAULT));
    Path file =
        edited(dir, H2 + "    nhsa:\n      infcodeAsString: true\n      signInRequired: true\n");

    assertThat(Hospitals.nationalByHospital(Hospitals.load(file)).get("H44520200002"))
        .isEqualTo(new Hospitals.National(true, true));
  }

  @Test
  void nationalSettingOfAnotherName_isRefusedNamingTheField(@TempDir Path dir) throws IOException {
    Path file = edited(dir, H2 + "    nhsa:\n      infcode: string\n");

    assertThatThrownBy(() -> Hospitals.load(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("infcode");
  }

  private static Path edited(Path dir, String h2) throws IOException {
    String text = Files.readString(SHIPPED);
    assertThat(text).contains(H2);
    Path file = dir.resolve("hospitals.yaml");
    Files.writeString(file, text.replace(H2, h2));
    return file;
  }
}
