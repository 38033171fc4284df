#!/usr/bin/python3
"""Writes the committed seed corpora fuzz/corpus/<target>/ (docs/fuzzing.md). Small by design (a few KB per
file): tiny images in every accepted format, hand-written PDFs, /ocr request bodies, pipeline YAML/hpi_config,
small ONNX graphs for the quantiser, and Paddle programs (legacy protobuf and PIR JSON) cut out of the real
models in ../shared/models/paddle (a window of a few ops with its parameters, a feed and a fetch).
Needs Debian's python3-pil, python3-onnx (with python3-protobuf) and protoc. Deterministic; rerun to refresh.
Usage: fuzz/make_seeds.py [--shared DIR]"""
import argparse, base64, io, json, os, shutil, struct, subprocess, sys, tempfile, zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "fuzz" / "corpus"


def put(target, name, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


# ---- images ----
def images():
    from PIL import Image, ImageDraw
    im = Image.new("RGB", (24, 12), "white")
    ImageDraw.Draw(im).text((1, 0), "Ab", fill="black")
    out = {}
    for fmt, ext, kw in [("PNG", "png", {}), ("JPEG", "jpg", {"quality": 50}), ("BMP", "bmp", {}), ("TIFF", "tif", {}),
                         ("WEBP", "webp", {"quality": 50}), ("PPM", "ppm", {})]:
        b = io.BytesIO(); im.save(b, fmt, **kw); out[ext] = b.getvalue()
    for mode, ext in [("L", "png"), ("LA", "png"), ("RGBA", "png"), ("P", "png"), ("1", "png"), ("I", "png"), ("L", "jpg"), ("CMYK", "jpg"), ("L", "pgm")]:
        b = io.BytesIO(); (im.convert("L").convert("I") if mode == "I" else im.convert(mode)).save(b, {"png": "PNG", "jpg": "JPEG", "pgm": "PPM"}[ext])
        out[f"{mode.replace(';', '')}.{ext}"] = b.getvalue()
    b = io.BytesIO(); im.save(b, "JPEG", progressive=True); out["progressive.jpg"] = b.getvalue()
    b = io.BytesIO(); im.save(b, "TIFF", compression="tiff_lzw"); out["lzw.tif"] = b.getvalue()
    out["truncated.png"] = out["png"][: len(out["png"]) // 2]
    out["huge_header.png"] = out["png"][:16] + struct.pack(">II", 65535, 65535) + out["png"][24:]
    for name, data in out.items():
        put("image", "img_" + name.replace(".", "_") if "." in name else "img." + name, data)
    return out


# ---- PDFs ----
def pdf(pages, compress=False, image=False):
    objs = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objs.append("<< /Type /Catalog /Pages 2 0 R >>")
    objs.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>")
    for i in range(pages):
        res = "/Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >>"
        content = f"BT /F1 12 Tf 10 20 Td (Page {i + 1}) Tj ET"
        if image:
            res += f" /XObject << /Im1 {3 + 2 * pages} 0 R >>"
            content += " q 20 0 0 10 40 5 cm /Im1 Do Q"
        objs.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 100 40] /Resources << {res} >> /Contents {4 + 2 * i} 0 R >>")
        data = content.encode()
        if compress:
            data = zlib.compress(data)
            objs.append((f"<< /Length {len(data)} /Filter /FlateDecode >>", data))
        else:
            objs.append((f"<< /Length {len(data)} >>", data))
    if image:
        px = bytes([0, 255] * 8)
        objs.append((f"<< /Type /XObject /Subtype /Image /Width 4 /Height 4 /ColorSpace /DeviceGray /BitsPerComponent 8 /Length {len(px)} >>", px))
    body = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n"
    offsets = []
    for n, o in enumerate(objs, 1):
        offsets.append(len(body))
        if isinstance(o, tuple):
            body += f"{n} 0 obj\n{o[0]}\nstream\n".encode() + o[1] + b"\nendstream\nendobj\n"
        else:
            body += f"{n} 0 obj\n{o}\nendobj\n".encode()
    xref = len(body)
    body += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for off in offsets:
        body += f"{off:010d} 00000 n \n".encode()
    body += f"trailer\n<< /Size {len(objs) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return body


def pdfs():
    out = {"one_page.pdf": pdf(1), "three_pages.pdf": pdf(3), "flate.pdf": pdf(1, compress=True), "image.pdf": pdf(2, image=True)}
    out["no_xref.pdf"] = pdf(1).split(b"xref")[0]
    out["empty_pages.pdf"] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    for name, data in out.items():
        put("pdf", name.replace(".", "_"), data)
    return out


# ---- /ocr request bodies ----
def requests(imgs, docs):
    b64 = lambda b: base64.b64encode(b).decode()
    bodies = {
        "png": {"file": b64(imgs["png"]), "fileType": 1},
        "jpg_all_fields": {"file": b64(imgs["jpg"]), "fileType": 1, "useDocOrientationClassify": False, "useDocUnwarping": False,
                           "useTextlineOrientation": True, "textDetLimitSideLen": 64, "textDetLimitType": "min", "textDetThresh": 0.3,
                           "textDetBoxThresh": 0.6, "textDetUnclipRatio": 1.5, "textRecScoreThresh": 0.0, "returnWordBox": True,
                           "visualize": False},
        "pdf": {"file": b64(docs["three_pages.pdf"]), "fileType": 0},
        "pdf_no_type": {"file": b64(docs["one_page.pdf"])},
        "url": {"file": "https://example.com/a.png"},
        "nulls": {"file": b64(imgs["bmp"]), "fileType": None, "textDetThresh": None},
        "bad_type": {"file": b64(imgs["png"]), "fileType": 7, "textDetLimitType": "both"},
    }
    for name, body in bodies.items():
        put("request", name, json.dumps(body))
    put("request", "deep", "[" * 40 + "]" * 40)
    put("request", "data_url", json.dumps({"file": "data:image/png;base64," + b64(imgs["png"])}))


# ---- pipeline YAML + hpi_config ----
def configs():
    put("pipeline_config", "ocr_yaml", """pipeline_name: OCR
text_type: general
use_doc_preprocessor: false
use_textline_orientation: true
use_hpip: true
hpi_config:
  backend: onnxruntime
  auto_config: true
  backend_config:
    cpu_num_threads: 2
SubModules:
  TextDetection:
    module_name: text_detection
    model_name: PP-OCRv4_mobile_det
    model_dir: ./det
    limit_side_len: 64
    limit_type: min
    max_side_limit: 4000
    thresh: 0.3
    box_thresh: 0.6
    unclip_ratio: 1.5
    hpi_config: {backend: openvino, backend_config: {cpu_num_threads: 4}}
  TextRecognition:
    model_dir: /models/rec
    batch_size: 6
    score_thresh: 0.0
    hpi_config:
      backend: tensorrt
      auto_config: false
      backend_config: {precision: fp16, dynamic_shapes: {x: [[1, 3, 48, 160], [1, 3, 48, 320], [8, 3, 48, 3200]]}}
  TextLineOrientation:
    model_dir: cls
    batch_size: 6
SubPipelines:
  DocPreprocessor: {use_doc_orientation_classify: false}
""")
    put("pipeline_config", "hpi_json", '{"backend": "onnxruntime", "auto_config": false, "auto_paddle2onnx": true, "backend_config": {"cpu_num_threads": 2, "precision": "fp32"}}')
    put("pipeline_config", "hpi_yaml", "backend: paddle\nbackend_config:\n  cpu_num_threads: 1\n")
    put("pipeline_config", "anchors", "a: &x {backend: opencv}\nhpi_config: *x\nSubModules: {TextDetection: {hpi_config: *x, thresh: !!float 0.5}}\n")
    put("pipeline_config", "wrong_types", "use_hpip: maybe\nSubModules: {TextDetection: {limit_side_len: [1, 2]}, TextRecognition: 5}\n")


# ---- ONNX graphs for the quantiser ----
def onnx_models():
    import numpy as np
    from onnx import TensorProto, helper, numpy_helper
    f = TensorProto.FLOAT

    def model(nodes, inits, inputs, outputs, opset, vi=()):
        g = helper.make_graph(nodes, "g", inputs, outputs, [numpy_helper.from_array(v, k) for k, v in inits.items()], value_info=list(vi))
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)], producer_name="hpocr-seed")
        m.ir_version = 7
        return m.SerializeToString()

    x = helper.make_tensor_value_info("x", f, [1, 2, 4, 4])
    y = helper.make_tensor_value_info("y", f, None)
    w = np.full((3, 2, 1, 1), 0.5, np.float32)
    bn = {k: np.ones(3, np.float32) for k in ("s", "b", "m", "v")}
    put("onnx_graph", "conv_bn_relu", model([helper.make_node("Conv", ["x", "w"], ["c"]),
                                             helper.make_node("BatchNormalization", ["c", "s", "b", "m", "v"], ["n"]),
                                             helper.make_node("Relu", ["n"], ["y"])], {"w": w, **bn}, [x], [y], 11))
    put("onnx_graph", "opset11_rewrites", model([
        helper.make_node("Constant", [], ["k"], value=numpy_helper.from_array(np.array([1], np.int64))),
        helper.make_node("Clip", ["x"], ["a"], min=0.0, max=6.0),
        helper.make_node("Unsqueeze", ["a"], ["b"], axes=[0]),
        helper.make_node("Squeeze", ["b"], ["c"], axes=[0]),
        helper.make_node("Softmax", ["c"], ["d"], axis=1),
        helper.make_node("ReduceSum", ["d"], ["e"], axes=[2], keepdims=1),
        helper.make_node("Split", ["e"], ["s1", "s2"], axis=1, split=[1, 1]),
        helper.make_node("Slice", ["s1", "k", "k"], ["y"]),
    ], {}, [x], [y], 11, vi=[helper.make_tensor_value_info("c", f, [1, 2, 4, 4])]))
    put("onnx_graph", "matmul13", model([helper.make_node("MatMul", ["x", "m"], ["y"])], {"m": np.eye(4, dtype=np.float32)}, [x], [y], 13))
    put("onnx_graph", "convtranspose_bn", model([helper.make_node("ConvTranspose", ["x", "w"], ["c"], strides=[2, 2]),
                                                 helper.make_node("BatchNormalization", ["c", "s", "b", "m", "v"], ["y"])],
                                                {"w": np.full((2, 3, 2, 2), 0.5, np.float32), **bn}, [x], [y], 9))


# ---- Paddle programs cut from the real models ----
def pir_cuts(src):
    doc = json.loads(src.read_text())
    ops = doc["program"]["regions"][0]["blocks"][0]["ops"]
    params = {o["O"]["%"]: o for o in ops if o["#"] == "p"}
    body = [o for o in ops if o["#"] not in ("p", "1.data", "1.fetch")]
    producer = {}
    for o in ops:
        outs = o.get("O", [])
        for r in (outs if isinstance(outs, list) else [outs]):
            producer[r["%"]] = r
    cuts = []
    for start, length in [(0, 3), (0, 6), (20, 5), (60, 6), (len(body) - 6, 6), (len(body) // 2, 4)]:
        window = body[start:start + length]
        made = {r["%"] for o in window for r in o.get("O", [])}
        used = [i["%"] for o in window for i in o.get("I", []) if i["%"] and i["%"] not in made]
        new_ops, seen = [], set()
        for n, vid in enumerate(used):
            if vid in seen: continue
            seen.add(vid)
            if vid in params:
                new_ops.append(params[vid])
            else:
                tt = producer.get(vid, {}).get("TT", {"#": "0.t_dtensor", "D": [{"#": "0.t_f32"}, [-1, 8, 8, 8], "NCHW", [], 0]})
                new_ops.append({"#": "1.data", "A": [{"AT": {"#": "0.a_str", "D": f"x{n}"}, "N": "name"}], "I": [], "O": [{"%": vid, "TT": tt}]})
        last = window[-1]["O"][0]
        new_ops += window
        new_ops.append({"#": "1.fetch", "A": [{"AT": {"#": "0.a_str", "D": "out"}, "N": "name"}, {"AT": {"#": "0.a_i32", "D": 0}, "N": "col"}],
                        "I": [{"%": last["%"]}], "O": [{"%": 999999, "TT": last.get("TT")}]})
        for o in (o for o in new_ops if o["#"] != "p"):  # debugging names only make seeds larger
            o["A"] = [a for a in o.get("A", []) if a.get("N") != "struct_name"]
            o.pop("OA", None)
        cut = {"base_code": doc["base_code"], "program": {"regions": [{"#": "region_0", "blocks": [{"#": "block_0", "args": [], "ops": new_ops}]}]}}
        cuts.append(json.dumps(cut, separators=(",", ":")))
    return cuts


def legacy_cuts(src, pb2):
    prog = pb2.ProgramDesc()
    prog.ParseFromString(src.read_bytes())
    block = prog.blocks[0]
    vars_ = {v.name: v for v in block.vars}
    body = [o for o in block.ops if o.type not in ("feed", "fetch")]
    cuts = []
    for start, length in [(0, 3), (0, 8), (15, 5), (len(body) - 6, 6), (len(body) // 2, 4)]:
        window = body[start:start + length]
        made = {a for o in window for s in o.outputs for a in s.arguments}
        out = pb2.ProgramDesc()
        out.version.CopyFrom(prog.version)
        b = out.blocks.add(); b.idx = 0; b.parent_idx = -1
        names, feeds = [], []
        for o in window:
            for s in o.inputs:
                for a in s.arguments:
                    if a not in names: names.append(a)
                    if a not in made and a in vars_ and not vars_[a].persistable and a not in feeds: feeds.append(a)
            for s in o.outputs:
                for a in s.arguments:
                    if a not in names: names.append(a)
        for special in ("feed", "fetch"):
            if special in vars_: b.vars.add().CopyFrom(vars_[special])
        for n in names:
            if n in vars_: b.vars.add().CopyFrom(vars_[n])
        for col, n in enumerate(feeds):
            f = b.ops.add(); f.type = "feed"
            f.inputs.add(parameter="X", arguments=["feed"]); f.outputs.add(parameter="Out", arguments=[n])
            f.attrs.add(name="col", type=pb2.INT, i=col)
        for o in window:
            c = b.ops.add(); c.CopyFrom(o)
            keep = [a for a in c.attrs if a.name not in ("op_callstack", "op_namescope", "op_device")]
            del c.attrs[:]
            c.attrs.extend(keep)
        last = window[-1].outputs[0].arguments[0] if window[-1].outputs else names[-1]
        f = b.ops.add(); f.type = "fetch"
        f.inputs.add(parameter="X", arguments=[last]); f.outputs.add(parameter="Out", arguments=["fetch"])
        f.attrs.add(name="col", type=pb2.INT, i=0)
        cuts.append(out.SerializeToString())
    return cuts


def pdiparams(pb2):
    def tensor(dtype, dims, payload, lod=()):
        desc = pb2.VarType.TensorDesc(data_type=dtype, dims=dims).SerializeToString()
        head = struct.pack("<IQ", 0, len(lod)) + b"".join(struct.pack("<Q", len(l)) + l for l in lod)
        return head + struct.pack("<Ii", 0, len(desc)) + desc + payload
    f32 = lambda n: struct.pack(f"<{n}f", *[0.5] * n)
    # the first byte is the fuzz target's program selector: (count - 1) | shape flags
    put("pdiparams", "one_f32", bytes([0x00]) + tensor(pb2.VarType.FP32, [2, 3], f32(6)))
    put("pdiparams", "one_declared", bytes([0x08]) + tensor(pb2.VarType.FP32, [2, 3], f32(6)))
    put("pdiparams", "three_mixed", bytes([0x02]) + tensor(pb2.VarType.FP32, [4], f32(4)) +
        tensor(pb2.VarType.INT64, [2], struct.pack("<2q", 1, 2)) + tensor(pb2.VarType.FP16, [3], b"\0<" * 3))
    put("pdiparams", "lod", bytes([0x00]) + tensor(pb2.VarType.INT32, [1], struct.pack("<i", 7), lod=[struct.pack("<2Q", 0, 1)]))
    put("pdiparams", "trailing", bytes([0x00]) + tensor(pb2.VarType.FP32, [1], f32(1)) + b"\0\0\0\0")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", default=str(ROOT.parent / "shared" / "models" / "paddle"))
    args = ap.parse_args()
    if OUT.exists(): shutil.rmtree(OUT)
    imgs = images(); docs = pdfs(); requests(imgs, docs); configs(); onnx_models()
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["protoc", f"--python_out={tmp}", "-I", str(ROOT / "src/format/paddle"), str(ROOT / "src/format/paddle/framework.proto")], check=True)
        sys.path.insert(0, tmp)
        import framework_pb2 as pb2
        pdiparams(pb2)
        shared = Path(args.shared)
        legacy = shared / "PP-LCNet_x0_25_textline_ori_legacy" / "inference.pdmodel"
        pir = shared / "PP-LCNet_x0_25_textline_ori" / "inference.json"
        if legacy.exists():
            for i, c in enumerate(legacy_cuts(legacy, pb2)):
                put("paddle_legacy", f"lcnet_cut{i}", c); put("convert", f"legacy_lcnet_cut{i}", c)
        else:
            print(f"make_seeds: {legacy} not found: no legacy program seeds", file=sys.stderr)
        if pir.exists():
            for i, c in enumerate(pir_cuts(pir)):
                put("pir_json", f"lcnet_cut{i}", c); put("convert", f"pir_lcnet_cut{i}", c)
        else:
            print(f"make_seeds: {pir} not found: no PIR seeds", file=sys.stderr)
    total = sum(p.stat().st_size for p in OUT.rglob("*") if p.is_file())
    print(f"make_seeds: {sum(1 for p in OUT.rglob('*') if p.is_file())} files, {total / 1024:.0f} KiB in {OUT}")


if __name__ == "__main__":
    main()
