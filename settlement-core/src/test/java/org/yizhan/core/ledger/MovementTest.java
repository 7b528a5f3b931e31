package org.yizhan.core.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MovementTest {
  static final LedgerAccounts ACCOUNTS = new LedgerAccounts("445202", "H001");

  @Test
  void ledgerAccounts_nameThePrepaymentsAccounts() {
    assertThat(ACCOUNTS.prepay()).isEqualTo("PREPAY:445202:H001");
    assertThat(ACCOUNTS.paid()).isEqualTo("PAID:445202:H001");
    assertThat(ACCOUNTS.advance()).isEqualTo("ADVANCE:445202:H001");
    assertThat(ACCOUNTS.fund()).isEqualTo("FUND:445202");
  }

  @Test
  void topUp_movesFundToPrepay_raisingTheBalance() {
    Movement m = Movement.topUp(ACCOUNTS, 500000);

    assertThat(m.transfers())
        .containsExactly(
            new Transfer(TransferKind.TOP_UP, "FUND:445202", "PREPAY:445202:H001", 500000));
    assertThat(m.balanceChangeFen()).isEqualTo(500000);
    assertThat(m.advanceOwedChangeFen()).isZero();
  }

  @ParameterizedTest(name = "drawn {0}, advance {1} → {2} transfers")
  @CsvSource({
    // drawn, advance, transfers, why
    "30000, 0, 1, drawn from the balance alone",
    "0, 30000, 1, advanced alone (zero balance)",
    "29999, 1, 2, one fen short: a drawdown and a one-fen advance",
    "0, 0, 0, nothing planned: nothing written",
  })
  void drawdownAndItsReversal_moveTheSameMoneyBack(
      long drawnFen, long advanceFen, int transfers, String why) {
    Movement out = Movement.drawdown(ACCOUNTS, new Drawdown(drawnFen, advanceFen, false));
    Movement back = Movement.reversal(ACCOUNTS, drawnFen, advanceFen);

    assertThat(out.transfers()).as(why).hasSize(transfers);
    assertThat(back.transfers()).as(why).hasSize(transfers);
    assertThat(out.balanceChangeFen()).isEqualTo(-drawnFen);
    assertThat(out.advanceOwedChangeFen()).isEqualTo(advanceFen);
    assertThat(back.balanceChangeFen() + out.balanceChangeFen()).isZero();
    assertThat(back.advanceOwedChangeFen() + out.advanceOwedChangeFen()).isZero();
  }

  @Test
  void drawdown_namesTheKindsAndAccounts() {
    Movement m = Movement.drawdown(ACCOUNTS, Drawdown.plan(PrepaymentMode.HOSPITAL_ADVANCE, 7, 10));

    assertThat(m.transfers())
        .containsExactly(
            new Transfer(TransferKind.DRAWDOWN, "PREPAY:445202:H001", "PAID:445202:H001", 7),
            new Transfer(TransferKind.ADVANCE, "ADVANCE:445202:H001", "PAID:445202:H001", 3));
  }

  @Test
  void reversal_namesTheKindsAndAccounts() {
    Movement m = Movement.reversal(ACCOUNTS, 7, 3);

    assertThat(m.transfers())
        .containsExactly(
            new Transfer(TransferKind.REVERSAL_CREDIT, "PAID:445202:H001", "PREPAY:445202:H001", 7),
            new Transfer(
                TransferKind.ADVANCE_REVERSAL, "PAID:445202:H001", "ADVANCE:445202:H001", 3));
  }

  @Test
  void aRefusedDrawdown_movesNothing() {
    Movement m = Movement.drawdown(ACCOUNTS, Drawdown.plan(PrepaymentMode.REFUSE, 0, 10));

    assertThat(m.transfers()).isEmpty();
    assertThat(m.balanceChangeFen()).isZero();
  }

  @Test
  void theConstructor_refusesCachedChangesTheTransfersDoNotMake() {
    List<Transfer> topUp =
        List.of(new Transfer(TransferKind.TOP_UP, ACCOUNTS.fund(), ACCOUNTS.prepay(), 100));

    assertThatThrownBy(() -> new Movement(ACCOUNTS, topUp, 99, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("99");
    assertThatThrownBy(() -> new Movement(ACCOUNTS, topUp, 100, 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "amount {0}")
  @CsvSource({"0", "-1"})
  void aTransfer_ofNothingOrLess_isRefused(long amountFen) {
    assertThatThrownBy(() -> Movement.topUp(ACCOUNTS, amountFen))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("TOP_UP");
  }

  @Test
  void aTransfer_toItsOwnAccount_isRefused() {
    assertThatThrownBy(() -> new Transfer(TransferKind.TOP_UP, "A", "A", 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void reversal_refusesNegativeAmounts() {
    assertThatThrownBy(() -> Movement.reversal(ACCOUNTS, -1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
