"""The project's click model (core/model/architecture.ts buildHead, and buildImageTower when model.json
has an image) in Keras, trained the way core/model/train-loop.ts trains its joint phase: same batch size,
Adam, learning rate, L2 on the embedding tables (none on the tower), id dropout and loss, on the rows
bench/keras/twin-data.ts wrote. As core/model/forward.ts does, the tower runs once per unique image in a
batch and each row gathers its image's embedding (rows without an image: zeros).

usage: click_model.py <dir with data.bin, model.json and, with images, pixels.bin> <epochs>
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


def image_tower(image, pixels):
    """buildImageTower over the batch's unique images: convolutions for shapes beside the mean colour, then
    the embedding layer; bytes scaled to [-0.5, 0.5] as towerEmbeddings does."""
    scaled = layers.Rescaling(1 / 255, offset=-0.5)(pixels)
    shapes = scaled
    for layer in image["shapes"]:
        if layer["kind"] == "conv":
            shapes = layers.Conv2D(layer["filters"], layer["kernelSize"], padding=layer["padding"], activation=layer["activation"])(shapes)
        else:
            shapes = layers.MaxPooling2D(layer["poolSize"], layer["strides"], padding=layer["padding"])(shapes)
    joined = layers.Concatenate()([layers.GlobalAveragePooling2D()(shapes), layers.GlobalAveragePooling2D()(scaled)])
    return layers.Dense(image["embedding"]["units"], activation=image["embedding"]["activation"])(joined)


class RowEmbeddings(layers.Layer):
    """Each row's image embedding by its slot: the tower's unique rows, then an all-zero row for rows without an image."""

    def call(self, inputs):
        embeddings, slots = inputs
        table = keras.ops.concatenate([embeddings, keras.ops.zeros((1, embeddings.shape[-1]))], axis=0)
        return keras.ops.take(table, keras.ops.reshape(slots, (-1,)), axis=0)


def read_pixels(path, image):
    """pixels.bin: each image's size×size×3 bytes (HWC), by the row the dataset's image column names."""
    side = image["size"]
    return np.fromfile(path, np.uint8).reshape(image["images"], side, side, 3)


def build_head(spec):
    """buildHead: numeric and id fields, text fields, the image field, their pairwise dot products into the
    hidden layers, plus the linear part (one weight per id, cross cell and word, the numeric values and
    image_present, a bias at the base rate)."""
    size = spec["fieldSize"]
    embedding = lambda: keras.initializers.RandomUniform(-0.05, 0.05, seed=None)
    deep_l2 = keras.regularizers.L2(spec["embeddingL2"])
    wide_l2 = keras.regularizers.L2(spec["linearL2"])
    numeric = keras.Input((spec["numeric"],), name="numeric")
    ids = keras.Input((len(spec["idCardinalities"]),), name="ids", dtype="int32")
    # Small months may pick no crosses: then, as in buildHead, there is no crosses input.
    crosses = [keras.Input((len(spec["crosses"]),), name="crosses", dtype="int32")] if spec["crosses"] else []
    texts = [keras.Input((c["maxTokens"],), name=f"text_{c['name']}", dtype="int32") for c in spec["text"]]
    table_rows = sum(spec["idCardinalities"])
    cells = sum(c["cells"] for c in spec["crosses"])

    fields = [layers.Reshape((1, size))(layers.Dense(size, name="numeric_field")(numeric))]
    fields.append(layers.Embedding(table_rows, size, embeddings_initializer=embedding(), embeddings_regularizer=deep_l2, name="emb_fields")(ids))
    wide = [layers.Flatten()(layers.Embedding(table_rows, 1, embeddings_initializer="zeros", embeddings_regularizer=wide_l2, name="emb_wide")(ids))]
    for cells_input in crosses:
        wide.append(
            layers.Flatten()(layers.Embedding(cells, 1, embeddings_initializer="zeros", embeddings_regularizer=wide_l2, name="emb_wide_crosses")(cells_input))
        )
    for column, tokens in zip(spec["text"], texts):
        words = layers.Embedding(column["cardinality"], size, embeddings_initializer=embedding(), embeddings_regularizer=deep_l2)(tokens)
        fields.append(layers.Reshape((1, size))(layers.GlobalAveragePooling1D()(words)))
        weights = layers.Embedding(column["cardinality"], 1, embeddings_initializer="zeros", embeddings_regularizer=wide_l2)(tokens)
        wide.append(layers.GlobalAveragePooling1D()(weights))
    raw = [numeric]
    image_inputs = []
    if spec.get("image"):
        side = spec["image"]["size"]
        pixels = keras.Input((side, side, 3), name="pixels", dtype="uint8")
        slots = keras.Input((1,), name="image_slots", dtype="int32")
        present = keras.Input((1,), name="image_present")
        image_inputs = [pixels, slots, present]
        embedding = RowEmbeddings()([image_tower(spec["image"], pixels), slots])
        fields.append(layers.Reshape((1, size))(layers.Dense(size, name="image_field")(embedding)))
        raw.append(present)

    wide_sum = layers.Dense(1, use_bias=False, kernel_initializer="ones", trainable=False)(layers.Concatenate()(wide))
    wide_numeric = layers.Dense(1, use_bias=False, kernel_initializer="zeros")(concat(raw))
    prior = math.log(spec["baseRate"] / (1 - spec["baseRate"]))
    linear_logit = layers.Dense(1, kernel_initializer="ones", bias_initializer=keras.initializers.Constant(prior))(
        layers.Concatenate()([wide_sum, wide_numeric])
    )

    matrix = layers.Concatenate(axis=1)(fields)
    interactions = layers.Flatten()(layers.Dot(axes=(2, 2))([matrix, matrix]))
    hidden = layers.Concatenate()([layers.Flatten()(matrix), interactions, *raw])
    for units in spec["hidden"]:
        hidden = layers.Dense(units, activation="relu")(hidden)
    # The joint phase's deep logit after wakeDeepPart: small random weights, no bias.
    deep_logit = layers.Dense(1, use_bias=False, kernel_initializer=keras.initializers.RandomUniform(-0.05, 0.05))(hidden)
    logit = layers.Add()([linear_logit, deep_logit])
    return keras.Model([numeric, ids, *crosses, *texts, *image_inputs], logit)


def concat(parts):
    return layers.Concatenate()(parts) if len(parts) > 1 else parts[0]


def batches(arrays, spec, pixels):
    """Shuffled batches with id dropout, ids offset into the shared table and cross cells, as forward.ts builds them;
    with images, the batch's unique images' pixels, each row's slot among them and image_present."""
    widths = arrays["categorical"].shape[1]
    droppable = tf.constant([i in spec["droppable"] for i in range(widths)])
    offsets = tf.constant(spec["idOffsets"], tf.int32)
    cards = spec["idCardinalities"]
    cross_starts = np.cumsum([0] + [c["cells"] for c in spec["crosses"]])[:-1]
    text_starts = np.cumsum([0] + [c["maxTokens"] for c in spec["text"]])

    table = None if pixels is None else tf.constant(pixels)

    def image_feeds(image):
        rows = image[:, 0]
        has_image = rows >= 0
        unique, slot_of_present = tf.unique(tf.boolean_mask(rows, has_image))
        # Rows without an image point at the zero row after the unique ones.
        slots = tf.tensor_scatter_nd_update(tf.fill(tf.shape(rows), tf.size(unique)), tf.where(has_image), slot_of_present)
        return tf.gather(table, unique), slots[:, None], tf.cast(has_image, tf.float32)[:, None]

    def prepare(numeric, categorical, text, image, label):
        drop = tf.logical_and(tf.random.uniform(tf.shape(categorical)) < spec["idDropout"], droppable)
        categorical = tf.where(drop, 0, categorical)
        cells = [int(start) + categorical[:, c["a"]] * cards[c["b"]] + categorical[:, c["b"]] for start, c in zip(cross_starts, spec["crosses"])]
        crosses = (tf.stack(cells, axis=1),) if cells else ()
        texts = [text[:, int(text_starts[k]) : int(text_starts[k + 1])] for k in range(len(spec["text"]))]
        images = image_feeds(image) if table is not None else ()
        return (numeric, categorical + offsets, *crosses, *texts, *images), label

    rows = len(arrays["label"])
    data = tf.data.Dataset.from_tensor_slices((arrays["numeric"], arrays["categorical"], arrays["text"], arrays["image"], arrays["label"]))
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
    pixels = read_pixels(os.path.join(folder, "pixels.bin"), spec["image"]) if spec.get("image") else None
    model = build_head(spec)
    model.compile(optimizer=keras.optimizers.Adam(spec["learningRate"]), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    timer = WarmStepTimer()
    model.fit(batches(arrays, spec, pixels), epochs=epochs, verbose=0, callbacks=[timer])
    rows = len(arrays["label"])
    warm_rows = rows - min(spec["batchSize"], rows)
    print(
        json.dumps(
            {
                "examplesPerSecond": warm_rows / timer.seconds,
                "warmRows": warm_rows,
                "seconds": timer.seconds,
                "loss": timer.loss,
                "trainableParameters": int(sum(np.prod(w.shape) for w in model.trainable_weights)),
                "jitCompile": bool(model.jit_compile),
                "tensorflow": tf.__version__,
                "keras": keras.__version__,
            }
        )
    )


if __name__ == "__main__":
    main()
