package io.vecstore.bench.suite;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures of one bench run: rows of (scenario, quantization, case) each with named figures
 * measured on VecStore (over HTTP) and, where there is one, on raw Lucene in-process, and their
 * ratio. Printed as a table and written as JSON and Markdown. Thread-safe: rows are added under
 * the report's lock; scenarios add them from the main thread anyway.
 */
public final class Report {

  /** One measured quantity; {@code lucene} is NaN when the figure has no raw-Lucene counterpart. */
  public record Figure(String metric, String unit, double vecstore, double lucene) {
    public double ratio() {
      return Double.isNaN(lucene) || lucene == 0 ? Double.NaN : vecstore / lucene;
    }
  }

  /** A row of figures measured together. */
  public record Row(String scenario, String quantization, String kase, List<Figure> figures) {
    public Row {
      figures = List.copyOf(figures);
    }
  }

  private final List<Row> rows = new ArrayList<>();
  private final Map<String, Object> header = new LinkedHashMap<>();

  /** A descriptive header entry (machine, data set, options), written before the rows. */
  public synchronized void header(String key, Object value) {
    header.put(key, value);
  }

  public synchronized void add(Row row) {
    rows.add(row);
    System.out.println(line(row));
  }

  public synchronized List<Row> rows() {
    return List.copyOf(rows);
  }

  /** The whole report as JSON: the header entries, then {@code rows}. */
  public synchronized String toJson() throws IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    ObjectNode root = json.createObjectNode();
    header.forEach((k, v) -> root.set(k, json.valueToTree(v)));
    ArrayNode out = root.putArray("rows");
    for (Row r : rows) {
      ObjectNode n = out.addObject();
      n.put("scenario", r.scenario()).put("quantization", r.quantization()).put("case", r.kase());
      ArrayNode fs = n.putArray("figures");
      for (Figure f : r.figures()) {
        ObjectNode fn = fs.addObject().put("metric", f.metric()).put("unit", f.unit());
        number(fn, "vecstore", f.vecstore());
        number(fn, "lucene", f.lucene());
        number(fn, "ratio", f.ratio());
      }
    }
    return json.writeValueAsString(root);
  }

  /** The rows as Markdown: one table per scenario, one column group per figure. */
  public synchronized String toMarkdown() {
    StringBuilder md = new StringBuilder();
    String scenario = null;
    List<String> metrics = null;
    for (Row r : rows) {
      List<String> m = r.figures().stream().map(f -> f.metric() + (f.unit().isEmpty() ? "" : " (" + f.unit() + ")")).toList();
      if (!r.scenario().equals(scenario) || !m.equals(metrics)) {
        scenario = r.scenario();
        metrics = m;
        md.append("\n| ").append(scenario).append(" | quantization |");
        for (int i = 0; i < m.size(); i++) {
          boolean raw = !Double.isNaN(r.figures().get(i).lucene());
          md.append(' ').append(m.get(i)).append(raw ? " VecStore | Lucene | ratio |" : " |");
        }
        md.append("\n|---|---|");
        for (Figure f : r.figures()) {
          md.append(Double.isNaN(f.lucene()) ? "---:|" : "---:|---:|---:|");
        }
        md.append('\n');
      }
      md.append("| ").append(r.kase()).append(" | ").append(r.quantization()).append(" |");
      for (Figure f : r.figures()) {
        md.append(' ').append(fmt(f.vecstore())).append(" |");
        if (!Double.isNaN(f.lucene())) {
          md.append(' ').append(fmt(f.lucene())).append(" | ").append(fmt(f.ratio())).append(" |");
        }
      }
      md.append('\n');
    }
    return md.toString();
  }

  public void write(Path dir) throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("results.json"), toJson());
    Files.writeString(dir.resolve("results.md"), toMarkdown());
  }

  public synchronized void print(PrintStream out) {
    out.println(toMarkdown());
  }

  static String line(Row r) {
    StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-8s %-5s %-26s", r.scenario(), r.quantization(), r.kase()));
    for (Figure f : r.figures()) {
      s.append(String.format(Locale.ROOT, "  %s %s", f.metric(), fmt(f.vecstore())));
      if (!Double.isNaN(f.lucene())) {
        s.append(String.format(Locale.ROOT, "/%s (x%s)", fmt(f.lucene()), fmt(f.ratio())));
      }
    }
    return s.toString();
  }

  static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    double a = Math.abs(v);
    if (a >= 1000) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (a >= 100) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (a >= 10) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static void number(ObjectNode n, String field, double v) {
    if (Double.isNaN(v)) {
      n.putNull(field);
    } else {
      n.put(field, v);
    }
  }
}
