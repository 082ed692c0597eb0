package dev.outstore.bench;

/** The no-op gruelbox's entries invoke (instantiated by class name, so public and top-level). */
public class PeerNoOp {
  /** Does nothing with the message. */
  public void handle(String key, String payload) {
    // the peer's observer: no work, like outstore's in the benchmark
  }
}
