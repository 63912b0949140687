// Lets tfjs-node's binding set list-of-string and list-of-type op attributes (it sets lists of ints, floats
// and bools only), so the image tower can call TensorFlow's fused convolution (convolution, bias and ReLU
// in one op; its fused_ops and TArgs are such lists). Run by build-tfjs-native.sh on its copy of the
// binding before compiling; stops loudly if tfjs-node's source is not what it expects.
// usage: node scripts/lib/patch-tfjs-binding.mjs <binding/tfjs_backend.cc>
import fs from 'node:fs';

const file = process.argv[2];
let source = fs.readFileSync(file, 'utf8');

function replaceOnce(before, after) {
  const at = source.indexOf(before);
  if (at < 0 || source.indexOf(before, at + 1) >= 0) throw new Error(`${file}: expected exactly one of:\n${before}`);
  source = source.slice(0, at) + after + source.slice(at + before.length);
}

replaceOnce(
  `    case TF_ATTR_STRING: {
      // NOTE: String attribute values do not have to be utf8 encoded strings
      // (could be arbitrary byte sequences).
      std::string str_value;`,
  `    case TF_ATTR_STRING: {
      if (IsArray(env, nstatus, &js_value)) {
        uint32_t length;
        nstatus = napi_get_array_length(env, js_value, &length);
        ENSURE_NAPI_OK(env, nstatus);
        std::vector<std::string> strings(length);
        std::vector<const void *> values(length);
        std::vector<size_t> lengths(length);
        for (uint32_t i = 0; i < length; ++i) {
          napi_value element;
          nstatus = napi_get_element(env, js_value, i, &element);
          ENSURE_NAPI_OK(env, nstatus);
          nstatus = GetStringParam(env, element, strings[i]);
          ENSURE_NAPI_OK(env, nstatus);
          values[i] = strings[i].data();
          lengths[i] = strings[i].size();
        }
        TFE_OpSetAttrStringList(tfe_op, attr_name, values.data(), lengths.data(),
                                static_cast<int>(length));
        break;
      }
      // NOTE: String attribute values do not have to be utf8 encoded strings
      // (could be arbitrary byte sequences).
      std::string str_value;`,
);

replaceOnce(
  `    case TF_ATTR_TYPE: {
      TF_DataType tf_data_type;`,
  `    case TF_ATTR_TYPE: {
      if (IsArray(env, nstatus, &js_value)) {
        uint32_t length;
        nstatus = napi_get_array_length(env, js_value, &length);
        ENSURE_NAPI_OK(env, nstatus);
        std::vector<TF_DataType> types(length);
        for (uint32_t i = 0; i < length; ++i) {
          napi_value element;
          nstatus = napi_get_element(env, js_value, i, &element);
          ENSURE_NAPI_OK(env, nstatus);
          nstatus = napi_get_value_int32(env, element, reinterpret_cast<int32_t *>(&types[i]));
          ENSURE_NAPI_OK(env, nstatus);
        }
        TFE_OpSetAttrTypeList(tfe_op, attr_name, types.data(), static_cast<int>(length));
        break;
      }
      TF_DataType tf_data_type;`,
);

if (!source.includes('#include <vector>')) source = `#include <vector>\n${source}`;
fs.writeFileSync(file, source);
