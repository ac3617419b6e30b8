import{r as e}from"./rolldown-runtime-BLXQ4ufn.js";import{C as t,Ki as n,M as r,P as i,ar as a,k as o,w as s}from"./index-BV7lWXU5.js";import{t as c}from"./modal-DThzI844.js";import{t as l}from"./tag-2Gf7A5qU.js";import{t as u}from"./fieldErrors-ZY50H-qt.js";var d=e(n(),1),f=`#!/usr/bin/env bash
# Sign and send GET /api/v1/services/whoami?b=2&a=1 as a system credential.
set -euo pipefail

APP_KEY="\${APP_KEY:?set APP_KEY to the app key of the credential}"
SECRET="\${SECRET:?set SECRET to the secret of the credential, exactly as issued}"
GOVDATA="\${GOVDATA:-http://127.0.0.1:8080}"
GOVDATA="\${GOVDATA%/}"
SIGN_METHOD="\${SIGN_METHOD:-HMAC-SHA256}"  # or HMAC-SM3

METHOD=GET
REQUEST_PATH=/api/v1/services/whoami  # as sent: percent-encoded, without the query
PARAMS=("b=2" "a=1")                  # name=value pairs, not yet encoded
BODY=""                               # the exact bytes sent; none for a GET

# RFC 3986 percent-encoding: keep A-Z a-z 0-9 - _ . ~, write every other byte as %XX.
urlencode() {
  local hex out=""
  for hex in $(printf '%s' "$1" | xxd -p -c1); do
    case "$hex" in
      2d|2e|3[0-9]|4[1-9a-f]|5[0-9a]|5f|6[1-9a-f]|7[0-9a]|7e) out+=$(printf "\\\\x$hex") ;;
      *) out+="%\${hex^^}" ;;
    esac
  done
  printf '%s' "$out"
}

# Encode each pair; send them in any order, sign them sorted by name, then value.
PAIRS=()
for p in "\${PARAMS[@]}"; do
  PAIRS+=("$(urlencode "\${p%%=*}")=$(urlencode "\${p#*=}")")
done
QUERY=$(IFS='&'; printf '%s' "\${PAIRS[*]}")
CANONICAL_QUERY=$(printf '%s\\n' "\${PAIRS[@]}" | LC_ALL=C sort -t= -k1,1 -k2,2 | paste -sd'&' -)

BODY_SHA256=$(printf '%s' "$BODY" | sha256sum)
BODY_SHA256=\${BODY_SHA256%% *}
TIMESTAMP=$(date +%s)
NONCE=$(openssl rand -hex 16)

case "$SIGN_METHOD" in
  HMAC-SHA256) DIGEST=-sha256 ;;
  HMAC-SM3)    DIGEST=-sm3 ;;
  *) echo "SIGN_METHOD must be HMAC-SHA256 or HMAC-SM3" >&2; exit 2 ;;
esac
SIGNATURE=$(printf '%s\\n%s\\n%s\\n%s\\n%s\\n%s' "$METHOD" "$REQUEST_PATH" "$CANONICAL_QUERY" \\
    "$BODY_SHA256" "$TIMESTAMP" "$NONCE" | openssl dgst "$DIGEST" -hmac "$SECRET" -r)
SIGNATURE=\${SIGNATURE%% *}

curl -sS --fail-with-body -X "$METHOD" \\
  -H "X-App-Key: $APP_KEY" \\
  -H "X-Timestamp: $TIMESTAMP" \\
  -H "X-Nonce: $NONCE" \\
  -H "X-Sign-Method: $SIGN_METHOD" \\
  -H "X-Signature: $SIGNATURE" \\
  "$GOVDATA$REQUEST_PATH\${QUERY:+?$QUERY}"
`,p=s(),m=[`use`,`storage`,`destruction`];function h(){let{t:e}=t(),n=(t,n)=>n?e(`${t}.${n}`):`—`;return{state:e=>n(`grants.state`,e),method:e=>n(`grants.method`,e),flagKind:e=>n(`grants.flagKind`,e),flagState:e=>n(`grants.flagState`,e),usageKind:e=>n(`grants.usageKind`,e)}}function g({state:e}){let t=h();return(0,p.jsx)(l,{className:`govdata-tag govdata-tag-${e===`active`?`ok`:e===`suspended`?`warn`:e===`revoked`?`bad`:`muted`}`,children:t.state(e)})}function _({open:e,title:n,note:s,label:l,okText:f,danger:m=!0,onClose:h,onSend:g}){let{t:_}=t(),[v]=i.useForm(),[y,b]=(0,d.useState)(!1),[x,S]=(0,d.useState)();async function C(){S(void 0);let e;try{e=(await v.validateFields()).reason.trim()}catch{return}b(!0);try{await g(e),v.resetFields()}catch(e){u(v,e,[`reason`])||S(e.message)}finally{b(!1)}}return(0,p.jsxs)(c,{open:e,title:n,onCancel:h,okText:f,cancelText:_(`grants.cancel`),okButtonProps:{danger:m,loading:y},onOk:()=>void C(),destroyOnHidden:!0,children:[s&&(0,p.jsx)(o.Paragraph,{children:s}),x&&(0,p.jsx)(a,{style:{marginBottom:12},type:`error`,showIcon:!0,message:x}),(0,p.jsx)(i,{form:v,layout:`vertical`,onFinish:()=>void C(),children:(0,p.jsx)(i.Item,{name:`reason`,label:l,rules:[{required:!0,whitespace:!0,message:_(`form.required`)}],children:(0,p.jsx)(r.TextArea,{rows:3,autoFocus:!0})})})]})}function v({appKey:e,secret:n,onClose:r}){let{t:i}=t();return(0,p.jsx)(a,{style:{marginBottom:16},type:`warning`,showIcon:!0,closable:{"aria-label":i(`credentials.secretDone`)},onClose:r,message:i(`credentials.secretOnce`),description:(0,p.jsxs)(`div`,{"data-testid":`secret-once`,children:[e&&(0,p.jsxs)(`div`,{children:[i(`credentials.appKey`),`：`,(0,p.jsx)(o.Text,{className:`govdata-mono`,copyable:{text:e},children:e})]}),(0,p.jsxs)(`div`,{children:[i(`credentials.secret`),`：`,(0,p.jsx)(o.Text,{className:`govdata-mono`,"data-testid":`secret`,copyable:{text:n,tooltips:[i(`credentials.copySecret`),i(`grants.copied`)]},children:n})]})]})})}function y(e){return encodeURIComponent(e).replace(/[!'()*]/g,e=>`%`+e.charCodeAt(0).toString(16).toUpperCase())}function b(e){let t=`/api/v1/services/${y(e.resource_code??``)}`;switch(e.method){case`file`:return{path:`${t}/export`,params:[`format=csv`]};case`subscription`:return{path:`${t}/changes`,params:[`limit=100`]}}return{path:`${t}/records`,params:[`limit=10`]}}function x(e,t,n){let r=e.split(`
`),i=r.findIndex(e=>e.startsWith(t));if(i<0)throw Error(`signed-call.sh has no line starting ${t}`);return r[i]=n,r.join(`
`)}function S({appKey:e,origin:t,grant:n}){let{path:r,params:i}=b(n),a=f;return a=x(a,`# Sign and send `,`# Sign and send GET ${r}?${i.join(`&`)} as a system credential (grant ${n.id}).`),a=x(a,`APP_KEY=`,`APP_KEY="\${APP_KEY:-${e}}"`),a=x(a,'GOVDATA="${GOVDATA:-',`GOVDATA="\${GOVDATA:-${t}}"`),a=x(a,`REQUEST_PATH=`,`REQUEST_PATH=${r}  # as sent: percent-encoded, without the query`),a=x(a,`PARAMS=(`,`PARAMS=(${i.map(e=>`"${e}"`).join(` `)})  # name=value pairs, not yet encoded`),a}export{m as a,S as i,_ as n,h as o,v as r,g as t};