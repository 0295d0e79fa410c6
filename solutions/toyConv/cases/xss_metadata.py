# expect-score: 10
# expect-status: graded
# Issue 10, item 3: cell and notebook metadata. tests/test_grading_browser.py merges the file
# xss-notebook.json below into the submitted notebook (tests/test_grading_attacks.py grades it
# as a plain extra file): on the answer cells, tags, "jupyter" keys, a name, an alt text and
# attachments that are HTML, widget state, and nbgrader metadata claiming 1000 points and
# carrying a script in its checksum; a new cell posing as a 99-point read-only test whose
# grade_id is HTML; and notebook metadata with HTML in the kernelspec, language_info, title and
# authors, widget state and a widget view holding a script, "jupyter" and nbgrader keys. The
# right outcome: full marks out of 10 (the grader's own metadata decides the points); the
# graded copy carries the instructor's metadata only and nothing runs in formgrader or in the
# feedback page.
# %% conv_forward
<<solution>>
# %% conv_backward
<<solution>>
# %% file xss-notebook.json
{
 "cell_metadata": {
  "conv_forward": {
   "tags": [
    "<img src=x onerror=\"(function(){var l='cell-tag';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()\">"
   ],
   "jupyter": {
    "source_hidden": "<script>(function(){var l='cell-jupyter';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()</script>",
    "outputs_hidden": true
   },
   "collapsed": "<script>(function(){var l='cell-collapsed';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()</script>",
   "name": "<svg onload=\"(function(){var l='cell-name';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()\">",
   "alt": "\"><script>(function(){var l='cell-alt';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()</script>",
   "attachments": {
    "x.svg": {
     "image/svg+xml": "PHN2ZyB4bWxucz0naHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmcnIG9ubG9hZD0iKGZ1bmN0aW9uKCl7dmFyIGw9J2F0dGFjaG1lbnQtc3ZnLW9ubG9hZCc7d2luZG93Ll9fcHduZWQ9bDt0cnl7d2luZG93LnRvcC5fX3B3bmVkPWx9Y2F0Y2goZSl7fWNvbnNvbGUubG9nKCdQV05FRCAnK2wpO3ZhciBtPWRvY3VtZW50LmNvb2tpZS5tYXRjaCgvX3hzcmY9KFteO10rKS8pO3RyeXtmZXRjaCgnL2FwaS9jb250ZW50cy9wd25lZC0nK2wrJy50eHQnLHttZXRob2Q6J1BVVCcsY3JlZGVudGlhbHM6J2luY2x1ZGUnLGhlYWRlcnM6eydDb250ZW50LVR5cGUnOidhcHBsaWNhdGlvbi9qc29uJywnWC1YU1JGVG9rZW4nOm0/bVsxXTonJ30sYm9keTpKU09OLnN0cmluZ2lmeSh7dHlwZTonZmlsZScsZm9ybWF0Oid0ZXh0Jyxjb250ZW50Oidwd25lZCd9KX0pfWNhdGNoKGUpe31uZXcgSW1hZ2UoKS5zcmM9Jy9QV05FRC0nK2wrJy5wbmcnO25ldyBJbWFnZSgpLnNyYz0naHR0cDovLzEyNy4wLjAuMTo5L1BXTkVELScrbCsnLnBuZyd9KSgpIj48c2NyaXB0PihmdW5jdGlvbigpe3ZhciBsPSdhdHRhY2htZW50LXN2Zy1zY3JpcHQnO3dpbmRvdy5fX3B3bmVkPWw7dHJ5e3dpbmRvdy50b3AuX19wd25lZD1sfWNhdGNoKGUpe31jb25zb2xlLmxvZygnUFdORUQgJytsKTt2YXIgbT1kb2N1bWVudC5jb29raWUubWF0Y2goL194c3JmPShbXjtdKykvKTt0cnl7ZmV0Y2goJy9hcGkvY29udGVudHMvcHduZWQtJytsKycudHh0Jyx7bWV0aG9kOidQVVQnLGNyZWRlbnRpYWxzOidpbmNsdWRlJyxoZWFkZXJzOnsnQ29udGVudC1UeXBlJzonYXBwbGljYXRpb24vanNvbicsJ1gtWFNSRlRva2VuJzptP21bMV06Jyd9LGJvZHk6SlNPTi5zdHJpbmdpZnkoe3R5cGU6J2ZpbGUnLGZvcm1hdDondGV4dCcsY29udGVudDoncHduZWQnfSl9KX1jYXRjaChlKXt9bmV3IEltYWdlKCkuc3JjPScvUFdORUQtJytsKycucG5nJztuZXcgSW1hZ2UoKS5zcmM9J2h0dHA6Ly8xMjcuMC4wLjE6OS9QV05FRC0nK2wrJy5wbmcnfSkoKTwvc2NyaXB0Pjwvc3ZnPg=="
    }
   },
   "widgets": {
    "application/vnd.jupyter.widget-state+json": {
     "state": {},
     "version_major": 2,
     "version_minor": 0
    }
   },
   "nbgrader": {
    "grade_id": "conv_forward",
    "solution": true,
    "grade": true,
    "points": 1000,
    "comment": "<script>(function(){var l='cell-nbgrader-comment';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()</script>"
   }
  },
  "conv_backward": {
   "nbgrader": {
    "grade_id": "conv_backward",
    "solution": true,
    "grade": false,
    "locked": false,
    "schema_version": 3,
    "task": false,
    "checksum": "<script>(function(){var l='cell-checksum';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()</script>"
   },
   "execution": {
    "iopub.execute_input": "<script>(function(){var l='cell-execution';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()</script>"
   }
  }
 },
 "cells": [
  {
   "after": "conv_forward",
   "cell": {
    "cell_type": "code",
    "id": "xss-forged-test",
    "execution_count": null,
    "outputs": [],
    "metadata": {
     "nbgrader": {
      "grade_id": "<img src=x onerror=\"(function(){var l='forged-grade-id';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()\">",
      "grade": true,
      "solution": false,
      "locked": true,
      "points": 99,
      "schema_version": 3
     }
    },
    "source": "x_student = 1"
   }
  }
 ],
 "notebook_metadata": {
  "kernelspec": {
   "display_name": "<script>(function(){var l='kernelspec';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()</script>",
   "language": "python",
   "name": "python3"
  },
  "language_info": {
   "name": "python",
   "pygments_lexer": "<img src=x onerror=\"(function(){var l='lexer';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()\">",
   "codemirror_mode": {
    "name": "<svg onload=\"(function(){var l='codemirror';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()\">"
   }
  },
  "title": "</title><script>(function(){var l='title';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()</script>",
  "authors": [
   {
    "name": "<img src=x onerror=\"(function(){var l='author';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()\">"
   }
  ],
  "jupytext": {
   "text_representation": {
    "extension": "<script>(function(){var l='jupytext';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()</script>"
   }
  },
  "widgets": {
   "application/vnd.jupyter.widget-state+json": {
    "state": {
     "m1": {
      "model_name": "HTMLModel",
      "model_module": "@jupyter-widgets/controls",
      "model_module_version": "2.0.0",
      "state": {
       "value": "<script>(function(){var l='widget-state-script';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()</script><img src=x onerror=\"(function(){var l='widget-state-img-onerror';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()\"><svg onload=\"(function(){var l='widget-state-svg-onload';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()\"><script>(function(){var l='widget-state-svg-script';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()</script></svg><iframe srcdoc=\"<script>(function(){var l='widget-state-iframe-srcdoc';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()</script>\"></iframe><iframe src=\"javascript:(function(){var l='widget-state-iframe-src';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()\"></iframe><details open ontoggle=\"(function(){var l='widget-state-details-ontoggle';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()\"><summary>s</summary></details><object data=\"data:text/html;base64,PHNjcmlwdD4oZnVuY3Rpb24oKXt2YXIgbD0nd2lkZ2V0LXN0YXRlLW9iamVjdCc7d2luZG93Ll9fcHduZWQ9bDt0cnl7d2luZG93LnRvcC5fX3B3bmVkPWx9Y2F0Y2goZSl7fWNvbnNvbGUubG9nKCdQV05FRCAnK2wpO3ZhciBtPWRvY3VtZW50LmNvb2tpZS5tYXRjaCgvX3hzcmY9KFteO10rKS8pO3RyeXtmZXRjaCgnL2FwaS9jb250ZW50cy9wd25lZC0nK2wrJy50eHQnLHttZXRob2Q6J1BVVCcsY3JlZGVudGlhbHM6J2luY2x1ZGUnLGhlYWRlcnM6eydDb250ZW50LVR5cGUnOidhcHBsaWNhdGlvbi9qc29uJywnWC1YU1JGVG9rZW4nOm0/bVsxXTonJ30sYm9keTpKU09OLnN0cmluZ2lmeSh7dHlwZTonZmlsZScsZm9ybWF0Oid0ZXh0Jyxjb250ZW50Oidwd25lZCd9KX0pfWNhdGNoKGUpe31uZXcgSW1hZ2UoKS5zcmM9Jy9QV05FRC0nK2wrJy5wbmcnO25ldyBJbWFnZSgpLnNyYz0naHR0cDovLzEyNy4wLjAuMTo5L1BXTkVELScrbCsnLnBuZyd9KSgpPC9zY3JpcHQ+\"></object><a href=\"javascript:(function(){var l='widget-state-a-href';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()\">click</a><form action=\"javascript:(function(){var l='widget-state-form';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()\"><button>go</button></form><img src=\"http://127.0.0.1:9/PWNED-widget-state-plain-img.png\"><link rel=stylesheet href=\"http://127.0.0.1:9/PWNED-widget-state-css.css\"><div style=\"background:url(http://127.0.0.1:9/PWNED-widget-state-style.png)\">styled</div><svg><style><img src=x onerror=\"(function(){var l='widget-state-mxss';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()\"></style></svg><noscript><p title=\"</noscript><img src=x onerror=&quot;(function(){var l='widget-state-noscript';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()&quot;>\"></p></noscript>"
      }
     }
    },
    "version_major": 2,
    "version_minor": 0
   },
   "application/vnd.jupyter.widget-view+json": {
    "model_id": "</script><script>(function(){var l='widget-view-meta';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()</script>"
   }
  },
  "nbgrader": {
   "__altered__": "<script>(function(){var l='nb-nbgrader';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()</script>"
  },
  "jupyter": {
   "source_hidden": "<script>(function(){var l='nb-jupyter';window.__pwned=l;try{window.top.__pwned=l}catch(e){}console.log('PWNED '+l);var m=document.cookie.match(/_xsrf=([^;]+)/);try{fetch('/api/contents/pwned-'+l+'.txt',{method:'PUT',credentials:'include',headers:{'Content-Type':'application/json','X-XSRFToken':m?m[1]:''},body:JSON.stringify({type:'file',format:'text',content:'pwned'})})}catch(e){}new Image().src='/PWNED-'+l+'.png';new Image().src='http://127.0.0.1:9/PWNED-'+l+'.png'})()</script>"
  }
 }
}
