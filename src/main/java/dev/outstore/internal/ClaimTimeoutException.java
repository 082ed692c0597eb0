package dev.outstore.internal;

import java.sql.SQLException;

/**
 * A claim query ran longer than {@link EntryClaims#CLAIM_TIMEOUT_SECONDS} and was cancelled; its
 * transaction must roll back.
 */
final class ClaimTimeoutException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ClaimTimeoutException(SQLException cause) {
    super("outstore: a claim ran longer than " + EntryClaims.CLAIM_TIMEOUT_SECONDS + " s", cause);
  }
}
