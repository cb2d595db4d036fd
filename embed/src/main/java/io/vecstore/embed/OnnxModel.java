package io.vecstore.embed;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.vecstore.core.error.UnavailableException;
import io.vecstore.core.text.EmbeddingModel;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.LongBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One loaded model: its ONNX Runtime session and its tokenizers. Encodes one text at a time.
 *
 * <p>Thread-safety: {@link #embed}, {@link #tokenCount} and {@link #inputIds} may run concurrently
 * (ONNX Runtime sessions allow concurrent {@code run} calls; a Hugging Face tokenizer encodes
 * through a shared immutable Rust object). {@link #close} must not overlap them: the owner closes
 * a model only once no call can still use it.
 */
final class OnnxModel implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(OnnxModel.class);

  private static final String INPUT_IDS = "input_ids";
  private static final String ATTENTION_MASK = "attention_mask";
  private static final String TOKEN_TYPE_IDS = "token_type_ids";

  private final EmbeddingModel model;
  private final Pooling pooling;
  private final OrtEnvironment environment;
  private final OrtSession session;
  /** Cuts a text to the model's window, as sentence-transformers does; never pads. */
  private final HuggingFaceTokenizer tokenizer;
  /** Neither cuts nor pads: counts a text's tokens. */
  private final HuggingFaceTokenizer counter;
  private final boolean takesTokenTypes;

  private OnnxModel(EmbeddingModel model, Pooling pooling, OrtEnvironment environment, OrtSession session,
      HuggingFaceTokenizer tokenizer, HuggingFaceTokenizer counter) {
    this.model = model;
    this.pooling = pooling;
    this.environment = environment;
    this.session = session;
    this.tokenizer = tokenizer;
    this.counter = counter;
    // Some exports drop token_type_ids (a single-segment model does not need them); feeding an
    // input the graph does not declare is an error.
    this.takesTokenTypes = session.getInputNames().contains(TOKEN_TYPE_IDS);
  }

  /**
   * Loads a model from the class path. DJL's call-home properties must be set before
   * ({@link io.vecstore.core.NoCallHome#apply()}).
   *
   * @param intraOpThreads ONNX Runtime's threads per {@code run}, or 0 for its default (one per core)
   * @throws UnavailableException when a file is missing or does not load
   */
  static OnnxModel load(EmbeddingModel model, int intraOpThreads) {
    ModelFiles files = ModelFiles.of(model);
    byte[] onnx = resource(model, files.onnx());
    byte[] tokenizerJson = resource(model, files.tokenizer());
    OrtSession session = null;
    HuggingFaceTokenizer tokenizer = null;
    try {
      // One process-wide environment, shared by every session (ONNX Runtime allows only one).
      OrtEnvironment environment = OrtEnvironment.getEnvironment();
      try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
        if (intraOpThreads > 0) {
          options.setIntraOpNumThreads(intraOpThreads);
        }
        session = environment.createSession(onnx, options);
      }
      String window = Integer.toString(model.maxTokens());
      // DJL's option names (HuggingFaceTokenizer's constructor). They override the tokenizer.json's
      // own settings: MiniLM's cuts at 128 and pads to 128 (padding would enter the mean).
      // maxLength counts the special tokens, and DJL lowers it to modelMaxLength (512 unless
      // given), so both are set.
      tokenizer = newTokenizer(tokenizerJson, Map.of(
          "addSpecialTokens", "true",
          "truncation", "true",
          "maxLength", window,
          "modelMaxLength", window,
          "padding", "false"));
      HuggingFaceTokenizer counter = newTokenizer(tokenizerJson, Map.of(
          "addSpecialTokens", "true",
          "truncation", "false",
          "padding", "false"));
      return new OnnxModel(model, files.pooling(), environment, session, tokenizer, counter);
    } catch (OrtException | IOException | RuntimeException | LinkageError e) {
      // LinkageError: a native library (ONNX Runtime's or the tokenizers') that does not load here.
      LOG.debug("Embedding model {} did not load", model.wireName(), e);
      if (tokenizer != null) {
        tokenizer.close();
      }
      closeQuietly(session);
      throw UnavailableException.embedding(model.wireName(), "it did not load: " + e);
    }
  }

  /** The unit-length vector of one text, cut to the model's window. */
  float[] embed(String text) {
    Encoding encoding = tokenizer.encode(text);
    long[] ids = encoding.getIds();
    long[] shape = {1, ids.length};
    // One text per run, never a padded batch: the models are dynamically quantized, with
    // activation scales computed over the whole input tensor, so in a batch a text's vector
    // would depend on its companions (and on their padding). One text per run keeps every
    // vector a function of its text alone.
    try (OnnxTensor idsTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(ids), shape);
        OnnxTensor maskTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getAttentionMask()), shape);
        OnnxTensor typesTensor = OnnxTensor.createTensor(environment, LongBuffer.wrap(encoding.getTypeIds()), shape)) {
      Map<String, OnnxTensor> inputs = new HashMap<>();
      inputs.put(INPUT_IDS, idsTensor);
      inputs.put(ATTENTION_MASK, maskTensor);
      if (takesTokenTypes) {
        inputs.put(TOKEN_TYPE_IDS, typesTensor);
      }
      try (OrtSession.Result result = session.run(inputs)) {
        // Output 0 is the last hidden state, [1, tokens, dimension].
        OnnxTensor hidden = (OnnxTensor) result.get(0);
        long[] outShape = hidden.getInfo().getShape();
        if (outShape.length != 3 || outShape[1] != ids.length || outShape[2] != model.dimension()) {
          throw UnavailableException.embedding(model.wireName(), "its output must have shape [1, " + ids.length
              + ", " + model.dimension() + "], got: " + Arrays.toString(outShape));
        }
        return pooling.unitVector(hidden.getFloatBuffer(), ids.length, model.dimension());
      }
    } catch (OrtException | IllegalStateException e) {
      // IllegalStateException: a zero or non-finite pooled vector, which no index may receive.
      throw UnavailableException.embedding(model.wireName(), "inference failed: " + e.getMessage());
    }
  }

  /** The text's token count before cutting, its [CLS] and [SEP] included. */
  int tokenCount(String text) {
    return counter.encode(text).getIds().length;
  }

  /** The token ids the model is given for a text: cut to the window, special tokens included. */
  long[] inputIds(String text) {
    return tokenizer.encode(text).getIds();
  }

  @Override
  public void close() {
    tokenizer.close();
    counter.close();
    closeQuietly(session);
  }

  private static HuggingFaceTokenizer newTokenizer(byte[] json, Map<String, String> options) throws IOException {
    return HuggingFaceTokenizer.newInstance(new ByteArrayInputStream(json), options);
  }

  private static byte[] resource(EmbeddingModel model, String name) {
    try (InputStream in = OnnxModel.class.getResourceAsStream(name)) {
      if (in == null) {
        throw UnavailableException.embedding(model.wireName(), "its file " + name + " is not on the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw UnavailableException.embedding(model.wireName(), "its file " + name + " could not be read: " + e);
    }
  }

  private static void closeQuietly(OrtSession session) {
    if (session == null) {
      return;
    }
    try {
      session.close();
    } catch (OrtException e) {
      // Closing releases native memory only; nothing to recover, and the model is gone either way.
    }
  }
}
