"""The project's click head (core/model/architecture.ts buildHead, without the image inputs) in Keras,
trained the way core/model/train-loop.ts trains its joint phase: same batch size, Adam, learning rate,
L2 on the embedding tables, id dropout and loss, on the rows bench/keras/twin-data.ts wrote.

usage: click_model.py <dir with data.bin and model.json> <epochs>
Prints one JSON line: examples per second over the last epoch's batches after its first (warm steps).
"""
import json
import math
import os
import sys
import time

import numpy as np
import tensorflow as tf
import keras
from keras import layers


def read_dataset(path):
    """The dataset file format (core/features/dataset.ts): header length, JSON header, then the arrays."""
    raw = open(path, "rb").read()
    header_length = int.from_bytes(raw[:4], "little")
    header = json.loads(raw[4 : 4 + header_length])
    rows, widths = header["rows"], header["widths"]
    offset = 4 + header_length
    arrays = {}
    for name, dtype, width in [
        ("numeric", np.float32, widths["numeric"]),
        ("categorical", np.int32, widths["categorical"]),
        ("text", np.int32, widths["text"]),
        ("image", np.int32, 1),
        ("label", np.float32, 1),
    ]:
        arrays[name] = np.frombuffer(raw, dtype, rows * width, offset).reshape(rows, width)
        offset += rows * width * 4
    return arrays


def build_head(spec):
    """buildHead: numeric and id fields, text fields, their pairwise dot products into the hidden layers,
    plus the linear part (one weight per id, cross cell and word, the numeric values, a bias at the base rate)."""
    size = spec["fieldSize"]
    embedding = lambda: keras.initializers.RandomUniform(-0.05, 0.05, seed=None)
    deep_l2 = keras.regularizers.L2(spec["embeddingL2"])
    wide_l2 = keras.regularizers.L2(spec["linearL2"])
    numeric = keras.Input((spec["numeric"],), name="numeric")
    ids = keras.Input((len(spec["idCardinalities"]),), name="ids", dtype="int32")
    crosses = keras.Input((len(spec["crosses"]),), name="crosses", dtype="int32")
    texts = [keras.Input((c["maxTokens"],), name=f"text_{c['name']}", dtype="int32") for c in spec["text"]]
    table_rows = sum(spec["idCardinalities"])
    cells = sum(c["cells"] for c in spec["crosses"])

    fields = [layers.Reshape((1, size))(layers.Dense(size, name="numeric_field")(numeric))]
    fields.append(layers.Embedding(table_rows, size, embeddings_initializer=embedding(), embeddings_regularizer=deep_l2, name="emb_fields")(ids))
    wide = [
        layers.Flatten()(layers.Embedding(table_rows, 1, embeddings_initializer="zeros", embeddings_regularizer=wide_l2, name="emb_wide")(ids)),
        layers.Flatten()(layers.Embedding(cells, 1, embeddings_initializer="zeros", embeddings_regularizer=wide_l2, name="emb_wide_crosses")(crosses)),
    ]
    for column, tokens in zip(spec["text"], texts):
        words = layers.Embedding(column["cardinality"], size, embeddings_initializer=embedding(), embeddings_regularizer=deep_l2)(tokens)
        fields.append(layers.Reshape((1, size))(layers.GlobalAveragePooling1D()(words)))
        weights = layers.Embedding(column["cardinality"], 1, embeddings_initializer="zeros", embeddings_regularizer=wide_l2)(tokens)
        wide.append(layers.GlobalAveragePooling1D()(weights))

    wide_sum = layers.Dense(1, use_bias=False, kernel_initializer="ones", trainable=False)(layers.Concatenate()(wide))
    wide_numeric = layers.Dense(1, use_bias=False, kernel_initializer="zeros")(numeric)
    prior = math.log(spec["baseRate"] / (1 - spec["baseRate"]))
    linear_logit = layers.Dense(1, kernel_initializer="ones", bias_initializer=keras.initializers.Constant(prior))(
        layers.Concatenate()([wide_sum, wide_numeric])
    )

    matrix = layers.Concatenate(axis=1)(fields)
    interactions = layers.Flatten()(layers.Dot(axes=(2, 2))([matrix, matrix]))
    hidden = layers.Concatenate()([layers.Flatten()(matrix), interactions, numeric])
    for units in spec["hidden"]:
        hidden = layers.Dense(units, activation="relu")(hidden)
    # The joint phase's deep logit after wakeDeepPart: small random weights, no bias.
    deep_logit = layers.Dense(1, use_bias=False, kernel_initializer=keras.initializers.RandomUniform(-0.05, 0.05))(hidden)
    logit = layers.Add()([linear_logit, deep_logit])
    return keras.Model([numeric, ids, crosses, *texts], logit)


def batches(arrays, spec):
    """Shuffled batches with id dropout, ids offset into the shared table and cross cells, as forward.ts builds them."""
    widths = arrays["categorical"].shape[1]
    droppable = tf.constant([i in spec["droppable"] for i in range(widths)])
    offsets = tf.constant(spec["idOffsets"], tf.int32)
    cards = spec["idCardinalities"]
    cross_starts = np.cumsum([0] + [c["cells"] for c in spec["crosses"]])[:-1]
    text_starts = np.cumsum([0] + [c["maxTokens"] for c in spec["text"]])

    def prepare(numeric, categorical, text, label):
        drop = tf.logical_and(tf.random.uniform(tf.shape(categorical)) < spec["idDropout"], droppable)
        categorical = tf.where(drop, 0, categorical)
        crosses = tf.stack(
            [int(start) + categorical[:, c["a"]] * cards[c["b"]] + categorical[:, c["b"]] for start, c in zip(cross_starts, spec["crosses"])], axis=1
        )
        texts = [text[:, int(text_starts[k]) : int(text_starts[k + 1])] for k in range(len(spec["text"]))]
        return (numeric, categorical + offsets, crosses, *texts), label

    rows = len(arrays["label"])
    data = tf.data.Dataset.from_tensor_slices((arrays["numeric"], arrays["categorical"], arrays["text"], arrays["label"]))
    return data.shuffle(rows, reshuffle_each_iteration=True).batch(spec["batchSize"]).map(prepare, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)


class WarmStepTimer(keras.callbacks.Callback):
    """Times each epoch from the end of its first batch to its end: warm steps, without tracing and compiling."""

    def on_epoch_begin(self, epoch, logs=None):
        self.first_batch_end = None
        self.batches = 0

    def on_train_batch_end(self, batch, logs=None):
        self.batches += 1
        if self.first_batch_end is None:
            self.first_batch_end = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        self.seconds = time.perf_counter() - self.first_batch_end
        self.loss = float(logs["loss"])


def main():
    folder, epochs = sys.argv[1], int(sys.argv[2])
    spec = json.load(open(os.path.join(folder, "model.json")))
    arrays = read_dataset(os.path.join(folder, "data.bin"))
    model = build_head(spec)
    model.compile(optimizer=keras.optimizers.Adam(spec["learningRate"]), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    timer = WarmStepTimer()
    model.fit(batches(arrays, spec), epochs=epochs, verbose=0, callbacks=[timer])
    rows = len(arrays["label"])
    warm_rows = rows - min(spec["batchSize"], rows)
    print(
        json.dumps(
            {
                "examplesPerSecond": warm_rows / timer.seconds,
                "warmRows": warm_rows,
                "seconds": timer.seconds,
                "loss": timer.loss,
                "jitCompile": bool(model.jit_compile),
                "tensorflow": tf.__version__,
                "keras": keras.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
