package io.vecstore.core.namespace;

import io.vecstore.core.error.InvalidRequestException;
import io.vecstore.core.index.NamespaceIndex;
import io.vecstore.core.usage.DailyUsage;
import io.vecstore.core.usage.NamespaceUsage;
import io.vecstore.core.usage.UsageLedger;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Samples the namespaces' counters and sizes into the daily usage ledger (every minute, at
 * create, at delete and at shutdown) and answers usage queries.
 *
 * <p>Thread-safety: safe for concurrent use; the ledger serializes its own state.
 */
final class UsageSampler {

  private static final Logger LOG = LoggerFactory.getLogger(UsageSampler.class);
  static final int MAX_USAGE_DAYS = 366;

  private final UsageLedger ledger;
  private final Clock clock;
  private final Supplier<Iterable<Namespace>> namespaces;

  UsageSampler(UsageLedger ledger, Clock clock, Supplier<Iterable<Namespace>> namespaces) {
    this.ledger = ledger;
    this.clock = clock;
    this.namespaces = namespaces;
  }

  /** One sample of a namespace; its vector peak since the last sample, not just its count now. */
  void record(Namespace ns) {
    if (ns.moveMarks().incoming()) {
      ledger.rebase(ns.id, ns.usage()); // still counted, and billed, by the server it is moving from
      return;
    }
    NamespaceUsage u = Figures.usage(ns);
    NamespaceIndex index = ns.indexIfOpen();
    long vectors = index == null ? u.vectorCount() : Math.max(u.vectorCount(), index.writes().takeVectorPeak());
    ledger.record(u.id(), u.usage(), vectors, u.storageBytes(), LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC));
  }

  /** Takes a namespace's counters as its baseline here, billing none of them (see {@link UsageLedger#rebase}). */
  void rebase(Namespace ns) {
    ledger.rebase(ns.id, ns.usage());
  }

  /** Saves what was sampled. */
  void flush() {
    ledger.flush();
  }

  /** Samples one namespace and saves at once (a create or a delete must be billed even if the server dies next). */
  void recordNow(Namespace ns) {
    record(ns);
    ledger.flush();
  }

  /** Folds every namespace's current counters and size into today's rollup and saves it. */
  void sampleAll() {
    for (Namespace ns : namespaces.get()) {
      record(ns);
    }
    ledger.flush();
  }

  void sampleAllQuietly() {
    try {
      sampleAll();
    } catch (RuntimeException e) {
      LOG.warn("Sampling usage failed (retried next minute): {}", e.toString());
    }
  }

  /**
   * Daily usage of every namespace (deleted ones included) from {@code from} to {@code to}, UTC
   * days, both inclusive; today's figures are sampled first so they are current.
   */
  List<DailyUsage> between(LocalDate from, LocalDate to, String prefix) {
    if (to.isBefore(from)) {
      throw new InvalidRequestException("from must not be after to, got: from=" + from + ", to=" + to);
    }
    long days = ChronoUnit.DAYS.between(from, to) + 1;
    if (days > MAX_USAGE_DAYS) {
      throw new InvalidRequestException("usage range must be at most " + MAX_USAGE_DAYS + " days, got: " + days);
    }
    sampleAll();
    return ledger.between(from, to, prefix);
  }

  /** Current usage figures of every namespace, for metrics; opens no namespace that is not open. */
  List<NamespaceUsage> current() {
    List<NamespaceUsage> out = new ArrayList<>();
    for (Namespace ns : namespaces.get()) {
      out.add(Figures.usage(ns));
    }
    return out;
  }
}
