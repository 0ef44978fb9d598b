#!/usr/bin/python3
"""Writes the bad-input corpus e2e/fixtures/bad/ and its manifest.json (see docs/robustness.md).

Run from the repository root with the system Python (PIL and numpy):
    /usr/bin/python3 tools/bad-corpus/make.py
Deterministic: the same bytes on every run. Two folder cases (an empty folder, 1000 tiny files) are not
written here: git cannot hold an empty folder and 1000 files would bloat the repository, so the tests
create them in a temporary folder (the manifest says how, under "generate").
"""
import io
import json
import os
import shutil
import struct
import zlib

import numpy as np
from PIL import Image

ROOT = 'e2e/fixtures/bad'
GOOD_IMAGE = 'e2e/fixtures/images/dog.png'
SHIPPED_CONFIG = 'public/dictionaries/emoji-clip/lucid.config.json'
UNICODE_NAME = '猫 café 🐱.png'
LONG_NAME = ('a-very-long-file-name-' * 10)[:196] + '.png'

cases = []


def case(path, kind, expect, about, **extra):
    """expect: a regular expression the message must match, or "ok" when the file must work."""
    cases.append({'path': path, 'kind': kind, 'expect': expect, 'about': about, **extra})


def write(path, data):
    full = os.path.join(ROOT, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, 'wb') as f:
        f.write(data)


def png_bytes(image, **options):
    out = io.BytesIO()
    image.save(out, 'PNG', **options)
    return out.getvalue()


def jpeg_bytes(image, **options):
    out = io.BytesIO()
    image.save(out, 'JPEG', quality=90, **options)
    return out.getvalue()


def png_chunk(name, data):
    return struct.pack('>I', len(data)) + name + data + struct.pack('>I', zlib.crc32(name + data) & 0xFFFFFFFF)


def images():
    dog = Image.open(GOOD_IMAGE).convert('RGB')
    dog_png = png_bytes(dog)
    write('images/good.png', dog_png)
    case('images/good.png', 'image', 'ok', 'a good image, dropped with the bad ones: it must still be analysed')

    write('images/truncated.png', dog_png[: len(dog_png) * 6 // 10])
    case('images/truncated.png', 'image', r'truncated\.png: truncated PNG: the file ends inside its IDAT chunk',
         'the first 60% of a PNG')

    jpeg = jpeg_bytes(dog)
    write('images/truncated.jpg', jpeg[: len(jpeg) * 6 // 10])
    case('images/truncated.jpg', 'image', r'truncated\.jpg: truncated JPEG: the file ends before its end-of-image marker',
         'the first 60% of a JPEG')

    write('images/empty.png', b'')
    case('images/empty.png', 'image', r'empty\.png: empty file \(0 bytes\)', 'zero bytes')

    write('images/text.png', b'These are my holiday notes, not a picture.\nDay 1: the beach.\n')
    case('images/text.png', 'image', r'text\.png: not an image: it starts like text', 'a text file named .png')

    write('images/page.jpg', b'<!DOCTYPE html>\n<html><body><img src=x onerror="alert(1)"></body></html>\n')
    case('images/page.jpg', 'image', r'page\.jpg: not an image: an HTML page', 'an HTML page named .jpg')

    write('images/noise.png', bytes(np.random.default_rng(7).integers(0, 256, 4096, dtype=np.uint8)))
    case('images/noise.png', 'image', r'noise\.png: not an image: unknown format', 'random bytes named .png')

    # 1-bit, all black: 12000×12000 pixels in a few kB (zlib of 18 MB of zeros).
    write('images/huge-12000x12000.png', png_bytes(Image.new('1', (12000, 12000), 0), optimize=True))
    case('images/huge-12000x12000.png', 'image',
         r'huge-12000x12000\.png: 12000×12000 is larger than the 8192×8192 limit',
         'a 12000×12000 PNG; refused from its header, before any pixel is decoded')

    write('images/wide-9000x8.png', png_bytes(Image.new('L', (9000, 8), 128)))
    case('images/wide-9000x8.png', 'image', r'wide-9000x8\.png: 9000×8 is larger than the 8192×8192 limit',
         'one side over the limit')

    write('images/tiny-1x1.png', png_bytes(Image.new('RGB', (1, 1), (255, 200, 0))))
    case('images/tiny-1x1.png', 'image', 'ok', 'a 1×1 image: upscaled by the processor like any other', width=1, height=1)

    # IHDR with width 0 (PIL will not write one): signature, IHDR, an empty IDAT, IEND, valid CRCs.
    ihdr = struct.pack('>IIBBBBB', 0, 16, 8, 2, 0, 0, 0)
    zero = b'\x89PNG\r\n\x1a\n' + png_chunk(b'IHDR', ihdr) + png_chunk(b'IDAT', zlib.compress(b'')) + png_chunk(b'IEND', b'')
    write('images/zero-width.png', zero)
    case('images/zero-width.png', 'image', r'zero-width\.png: the header says 0×16 pixels: no image in it',
         'a PNG whose header says it is 0 pixels wide')

    flipped = bytearray(dog_png)
    idat = flipped.index(b'IDAT')
    flipped[idat + 100] ^= 0xFF
    write('images/bitflip.png', bytes(flipped))
    case('images/bitflip.png', 'image', r'bitflip\.png: corrupt PNG: chunk IDAT fails its checksum',
         'one byte of the image data flipped (the CRC no longer matches)')

    svg = (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64" '
           b'onload="alert(\'svg onload\')"><script>alert("svg script")</script>'
           b'<rect width="64" height="64" fill="red"/></svg>\n')
    write('images/script.svg', svg)
    case('images/script.svg', 'image', r'script\.svg: SVG is not supported',
         'an SVG with a script and an onload handler: refused, never rendered')

    tiff = io.BytesIO()
    dog.save(tiff, 'TIFF')
    write('images/photo.tiff', tiff.getvalue())
    case('images/photo.tiff', 'image', r'photo\.tiff: TIFF images are not supported', 'a TIFF (no browser decodes it)')

    # Three frames: red, green, blue. Decoders give the first (red) frame.
    frames = [Image.new('RGB', (64, 64), color) for color in [(230, 30, 30), (30, 200, 30), (30, 30, 230)]]
    gif = io.BytesIO()
    frames[0].save(gif, 'GIF', save_all=True, append_images=frames[1:], duration=200, loop=0)
    write('images/animated.gif', gif.getvalue())
    case('images/animated.gif', 'image', 'ok', 'an animated GIF (3 frames): the first frame is used',
         width=64, height=64, firstFrame='images/animated-frame0.png')
    write('images/animated-frame0.png', png_bytes(frames[0]))

    write('images/cmyk.jpg', jpeg_bytes(dog.convert('CMYK')))
    case('images/cmyk.jpg', 'image', 'ok', 'a CMYK JPEG (Adobe APP14): decoded and converted to RGB', width=dog.width,
         height=dog.height)

    # Stored 96×48 (landscape), EXIF orientation 6: shown rotated 90° clockwise, 48×96.
    stored = Image.new('RGB', (96, 48), (240, 240, 240))
    stored.paste((200, 30, 30), (0, 0, 48, 48))
    exif = Image.Exif()
    exif[0x0112] = 6
    write('images/exif-rotated.jpg', jpeg_bytes(stored, exif=exif.tobytes()))
    case('images/exif-rotated.jpg', 'image', 'ok',
         'a JPEG stored 96×48 with EXIF orientation 6: shown (and encoded) upright, 48×96', width=48, height=96)

    write(f'images/{UNICODE_NAME}', dog_png)
    case(f'images/{UNICODE_NAME}', 'image', 'ok', 'a file name with CJK, accents and an emoji')

    write(f'images/{LONG_NAME}', dog_png)
    case(f'images/{LONG_NAME}', 'image', 'ok', 'a 200-character file name')

    write('images/png-named.jpg', dog_png)
    case('images/png-named.jpg', 'image', 'ok', 'a PNG named .jpg: images are recognised by content')


def folders():
    dog = Image.open(GOOD_IMAGE).convert('RGB')
    cat = Image.open('e2e/fixtures/images/cat.png').convert('RGB')
    write('folders/mixed/dog.png', png_bytes(dog))
    write('folders/mixed/cat.png', png_bytes(cat))
    write('folders/mixed/notes.png', b'not a picture\n')
    write('folders/mixed/empty.png', b'')
    write('folders/mixed/drawing.svg', b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>\n')
    write('folders/mixed/huge.png', png_bytes(Image.new('1', (12000, 12000), 0), optimize=True))
    case('folders/mixed', 'folder', r'notes\.png: not an image: it starts like text',
         'two good images among a text file, an empty file, an SVG and a 12000×12000 PNG: the two are used, '
         'each other file is listed with its reason',
         images=2, captioned=0,
         skipped=[r'drawing\.svg: SVG is not supported', r'empty\.png: empty file \(0 bytes\)',
                  r'huge\.png: 12000×12000 is larger than the 8192×8192 limit',
                  r'notes\.png: not an image: it starts like text'])

    hostile = '<script>alert("caption")</script><img src=x onerror="alert(\'caption\')"> a dog face'
    write('folders/captions-html/dog.png', png_bytes(dog))
    write('folders/captions-html/dog.txt', hostile.encode())
    write('folders/captions-html/cat.png', png_bytes(cat))
    write('folders/captions-html/captions.jsonl',
          (json.dumps({'file': 'cat.png', 'caption': '<b onmouseover="alert(1)">a cat face</b>'}) + '\n'
           + '<img src=x onerror=alert(1)>\n').encode())
    case('folders/captions-html', 'folder', r'captions\.jsonl line 2: not valid JSON',
         'captions holding HTML and script: kept as plain text (never parsed as HTML), a bad line reported',
         images=2, captioned=2, captions={'dog.png': hostile, 'cat.png': '<b onmouseover="alert(1)">a cat face</b>'},
         skipped=[r'captions\.jsonl line 2: not valid JSON'])

    case('folders/empty', 'folder', r'is empty', 'an empty folder (made by the tests: git keeps no empty folder)',
         generate={'files': 0}, images=0)
    case('folders/thousand-tiny', 'folder', 'ok',
         '1000 tiny PNGs of 1×1 pixel (made by the tests): planned quickly, every one listed',
         generate={'files': 1000, 'png': [1, 1], 'name': 'tiny-{:04d}.png'}, images=1000, captioned=0)


# ---- Dictionaries: a small dictionary that fits the embedded Emoji-CLIP (d = 128), and broken variants.

MINI = {'nShared': 4, 'nImagePrivate': 2, 'nTextPrivate': 2, 'k': 2, 'kAux': 2}


def mini_config(d_image=128, d_text=128):
    shipped = json.load(open(SHIPPED_CONFIG))
    config = {**shipped['config'], **MINI, 'dImage': d_image, 'dText': d_text}
    return {'format': 'lucid-sae', 'version': 1, 'config': config, 'about': {'encoder': 'emoji-clip', 'note': 'bad-input corpus'}}


def mini_tensors(d_image=128, d_text=128, seed=3):
    """The tensors of a LUCID dictionary (layout: docs/lucid-core.md), random but well-formed."""
    rng = np.random.default_rng(seed)
    m = sum(MINI[k] for k in ('nShared', 'nImagePrivate', 'nTextPrivate'))
    tensors = {}
    for modality, d in (('image', d_image), ('text', d_text)):
        w_dec = rng.standard_normal((m, d)).astype(np.float32)
        w_dec /= np.linalg.norm(w_dec, axis=1, keepdims=True)
        tensors[f'{modality}.W_enc'] = np.ascontiguousarray(w_dec.T)
        tensors[f'{modality}.b_enc'] = np.zeros(m, np.float32)
        tensors[f'{modality}.W_dec'] = w_dec
        tensors[f'{modality}.b_pre'] = np.zeros(d, np.float32)
        tensors[f'norm.{modality}.mean'] = np.zeros(d, np.float32)
        tensors[f'norm.{modality}.scale'] = np.array(0.1, np.float32)
    tensors['gcmt.dustbin_cost'] = np.array(0.6, np.float32)
    return tensors


def safetensors(tensors, dtypes=None, lie=None):
    """safetensors bytes; dtypes overrides a tensor's dtype name (and its bytes), lie edits header entries."""
    header = {'__metadata__': {'format': 'lucid-sae', 'version': '1'}}
    blobs = []
    offset = 0
    for name, array in tensors.items():
        dtype = (dtypes or {}).get(name, 'F32')
        data = array.astype({'F32': np.float32, 'F16': np.float16, 'F64': np.float64}[dtype]).tobytes()
        header[name] = {'dtype': dtype, 'shape': list(array.shape), 'data_offsets': [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    for name, entry in (lie or {}).items():
        header[name].update(entry)
    text = json.dumps(header, separators=(',', ':'))
    text += ' ' * ((8 - (8 + len(text)) % 8) % 8)
    return struct.pack('<Q', len(text)) + text.encode() + b''.join(blobs)


def dictionary_case(name, expect, about, weights=None, config=None, interpretation=None):
    folder = f'dictionaries/{name}'
    good = mini_tensors()
    write(f'{folder}/lucid.safetensors', weights if weights is not None else safetensors(good))
    config_bytes = config if config is not None else json.dumps(mini_config(), indent=2).encode() + b'\n'
    write(f'{folder}/lucid.config.json', config_bytes)
    if interpretation is not None:
        write(f'{folder}/interpretation.json', interpretation)
    case(folder, 'dictionary', expect, about)


def kb(size):
    """A size in kB as the app writes it (src/lucid/safetensors.ts formatBytes), dot escaped."""
    return f'{size / 1000:.1f}'.replace('.', r'\.')


def dictionaries():
    good = mini_tensors()
    dictionary_case('good-mini', 'ok', 'a well-formed 8-latent dictionary for Emoji-CLIP (the control)')

    full = safetensors(good)
    dictionary_case('truncated-weights',
                    rf'lucid\.safetensors: truncated \(the header says {kb(len(full))} kB, the file has 10\.0 kB\)',
                    'lucid.safetensors cut after 10,000 bytes', weights=full[:10_000])

    other = mini_tensors(d_image=64, d_text=64)
    dictionary_case('other-dims-weights',
                    r'lucid\.safetensors: tensor image\.W_enc has shape \[64,8\] but the config needs \[128,8\]',
                    'weights of a dictionary for 64-wide activations beside a config for 128',
                    weights=safetensors(other))

    dictionary_case('other-encoder',
                    r'lucid\.config\.json: this dictionary reads activations of width 64 \(image\) and 64 \(text\), '
                    r'but emoji-clip gives 128 and 128',
                    'a consistent dictionary for another encoder (d = 64)',
                    weights=safetensors(other), config=json.dumps(mini_config(64, 64), indent=2).encode())

    nan = dict(good)
    nan['image.W_dec'] = good['image.W_dec'].copy()
    nan['image.W_dec'][1, 5] = np.nan
    dictionary_case('nan-weights', r'lucid\.safetensors: tensor image\.W_dec holds NaN at index 133',
                    'one NaN in image.W_dec', weights=safetensors(nan))

    inf = dict(good)
    inf['norm.text.mean'] = good['norm.text.mean'].copy()
    inf['norm.text.mean'][3] = np.inf
    dictionary_case('inf-weights', r'lucid\.safetensors: tensor norm\.text\.mean holds Infinity at index 3',
                    'an infinity in the text normalisation mean', weights=safetensors(inf))

    dictionary_case('f16-weights', r'lucid\.safetensors: tensor image\.W_enc is F16; only F32 \(float32\) is read',
                    'W_enc stored as float16', weights=safetensors(good, dtypes={'image.W_enc': 'F16'}))

    size = 128 * 8 * 4
    dictionary_case('lying-offsets',
                    r'lucid\.safetensors: the header gives tensor image\.W_enc 2048 bytes but shape \[128,8\] needs 4096',
                    'a JSON header whose offsets for image.W_enc do not match its shape',
                    weights=safetensors(good, lie={'image.W_enc': {'data_offsets': [0, size // 2]}}))

    dictionary_case('overlapping-offsets',
                    r'lucid\.safetensors: tensors image\.W_enc and image\.b_enc overlap: the header is corrupt',
                    'a JSON header that points two tensors at the same bytes',
                    weights=safetensors(good, lie={'image.b_enc': {'data_offsets': [0, 32]}}))

    dictionary_case('not-safetensors', r'lucid\.safetensors: not a safetensors file',
                    'a JSON text saved as lucid.safetensors', weights=b'{"weights": "are not here"}\n')

    missing = {k: v for k, v in good.items() if k != 'text.b_pre'}
    dictionary_case('missing-tensor', r'lucid\.safetensors: no tensor text\.b_pre',
                    'the weights lack one tensor', weights=safetensors(missing))

    config = mini_config()
    del config['config']['k']
    dictionary_case('config-missing-k', r"lucid\.config\.json: missing field 'k'",
                    'the config lacks "k"', config=json.dumps(config, indent=2).encode())

    dictionary_case('config-not-json', r'lucid\.config\.json: not valid JSON',
                    'the config is not JSON', config=b'format = "lucid-sae"\nk = 2\n')

    dictionary_case('config-other-format', r'lucid\.config\.json: not a LUCID config',
                    'a JSON file of something else as the config', config=b'{"model_type": "clip"}\n')

    dictionary_case('interpretation-not-json', r'interpretation\.json: not valid JSON',
                    'interpretation.json is not JSON (the explorer and lucid read it; Import in the Train tab does not)',
                    interpretation=b'<html>not found</html>\n')

    dictionary_case('interpretation-wrong-count', r'interpretation\.json: describes 3 latents; the dictionary has 8',
                    'interpretation.json for another dictionary',
                    interpretation=json.dumps({'latents': [{'id': i, 'label': f'l{i}'} for i in range(3)]}).encode())


def main():
    if os.path.isdir(ROOT):
        shutil.rmtree(ROOT)
    images()
    folders()
    dictionaries()
    manifest = {
        'about': 'Bad-input corpus (docs/robustness.md), written by tools/bad-corpus/make.py. "expect" is a regular '
                 'expression the message must match, or "ok" when the input must work. Folder cases with '
                 '"generate" are created by the tests in a temporary folder: {"files": N, "png": [w, h], '
                 '"name": pattern} (files: 0 is an empty folder). Dictionary cases are folders with '
                 'lucid.safetensors and lucid.config.json (and interpretation.json) of which one file is broken.',
        'goodImage': 'images/good.png',
        'cases': cases,
    }
    with open(os.path.join(ROOT, 'manifest.json'), 'w', encoding='utf-8') as f:
        json.dump(manifest, f, indent=2, ensure_ascii=False)
        f.write('\n')
    print(f'{len(cases)} cases in {ROOT}')


if __name__ == '__main__':
    main()
