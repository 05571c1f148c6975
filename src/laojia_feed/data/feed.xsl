<?xml version="1.0" encoding="UTF-8"?>
<!--
  laojia-feed: shows an RSS 2.0 or Atom 1.0 feed as a readable page when a browser
  opens it. XSLT 1.0, no scripts, no external resources; only http(s) links are
  made clickable. Summaries are shown as text, never as markup.
-->
<xsl:stylesheet version="1.0"
    xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
    xmlns:atom="http://www.w3.org/2005/Atom"
    exclude-result-prefixes="atom">

  <xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

  <xsl:template match="/">
    <html>
      <xsl:variable name="lang" select="string(rss/channel/language | atom:feed/@xml:lang)"/>
      <xsl:if test="$lang">
        <xsl:attribute name="lang"><xsl:value-of select="$lang"/></xsl:attribute>
      </xsl:if>
      <head>
        <meta name="viewport" content="width=device-width, initial-scale=1"/>
        <meta name="robots" content="noindex"/>
        <title><xsl:value-of select="rss/channel/title | atom:feed/atom:title"/></title>
        <style>
          :root { color-scheme: light dark; }
          body { margin: 0 auto; max-width: 46rem; padding: 1.5rem 1rem 3rem;
                 font: 16px/1.65 system-ui, -apple-system, "PingFang SC", "Noto Sans CJK SC",
                       "Microsoft YaHei", sans-serif; }
          header { border-bottom: 1px solid #8884; margin-bottom: 1.5rem; }
          h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
          h2 { font-size: 1.2rem; margin: 0 0 .2rem; }
          .note { background: #8881; border-left: 4px solid #e67e22; padding: .6rem .9rem; }
          .note code { word-break: break-all; }
          .date { color: #888; font-size: .9rem; margin: 0; }
          article { margin: 0 0 1.6rem; }
          article p { margin: .3rem 0; }
        </style>
      </head>
      <body>
        <xsl:apply-templates select="rss/channel | atom:feed"/>
      </body>
    </html>
  </xsl:template>

  <!-- RSS 2.0 -->
  <xsl:template match="channel">
    <header>
      <h1><xsl:value-of select="title"/></h1>
      <xsl:if test="description != title">
        <p><xsl:value-of select="description"/></p>
      </xsl:if>
      <xsl:call-template name="note">
        <xsl:with-param name="self" select="atom:link[@rel = 'self']/@href"/>
      </xsl:call-template>
      <p>
        <xsl:call-template name="link">
          <xsl:with-param name="url" select="link"/>
          <xsl:with-param name="text" select="link"/>
        </xsl:call-template>
      </p>
    </header>
    <main>
      <xsl:apply-templates select="item"/>
    </main>
  </xsl:template>

  <xsl:template match="item">
    <article>
      <h2>
        <xsl:call-template name="link">
          <xsl:with-param name="url" select="link"/>
          <xsl:with-param name="text" select="title"/>
        </xsl:call-template>
      </h2>
      <p class="date"><xsl:value-of select="pubDate"/></p>
      <!-- Our RSS description is the plain-text summary, HTML-escaped once more. -->
      <p>
        <xsl:call-template name="unescape">
          <xsl:with-param name="text" select="string(description)"/>
        </xsl:call-template>
      </p>
    </article>
  </xsl:template>

  <!-- Atom 1.0 -->
  <xsl:template match="atom:feed">
    <header>
      <h1><xsl:value-of select="atom:title"/></h1>
      <xsl:if test="atom:subtitle">
        <p><xsl:value-of select="atom:subtitle"/></p>
      </xsl:if>
      <xsl:call-template name="note">
        <xsl:with-param name="self" select="atom:link[@rel = 'self']/@href"/>
      </xsl:call-template>
      <p>
        <xsl:call-template name="link">
          <xsl:with-param name="url" select="atom:link[@rel = 'alternate']/@href"/>
          <xsl:with-param name="text" select="atom:link[@rel = 'alternate']/@href"/>
        </xsl:call-template>
      </p>
    </header>
    <main>
      <xsl:apply-templates select="atom:entry"/>
    </main>
  </xsl:template>

  <xsl:template match="atom:entry">
    <article>
      <h2>
        <xsl:call-template name="link">
          <xsl:with-param name="url"
              select="atom:link[not(@rel) or @rel = 'alternate'][1]/@href"/>
          <xsl:with-param name="text" select="atom:title"/>
        </xsl:call-template>
      </h2>
      <p class="date">
        <xsl:value-of select="substring(atom:published | atom:updated[not(../atom:published)], 1, 10)"/>
      </p>
      <p><xsl:value-of select="atom:summary"/></p>
    </article>
  </xsl:template>

  <!-- Shared pieces -->
  <xsl:template name="note">
    <xsl:param name="self"/>
    <div class="note">
      <p>这是一个订阅源（RSS/Atom feed）：把这个网址复制到你的阅读器里即可订阅。</p>
      <p>This is a feed — copy the URL into your reader to subscribe.</p>
      <xsl:if test="$self">
        <p><code><xsl:value-of select="$self"/></code></p>
      </xsl:if>
    </div>
  </xsl:template>

  <!-- A link only for http(s) URLs; anything else is shown as text. -->
  <xsl:template name="link">
    <xsl:param name="url"/>
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="starts-with($url, 'https://') or starts-with($url, 'http://')">
        <a href="{$url}"><xsl:value-of select="$text"/></a>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$text"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- Undo one level of &amp; &lt; &gt; escaping, as text (never markup). -->
  <xsl:template name="unescape">
    <xsl:param name="text"/>
    <xsl:choose>
      <xsl:when test="contains($text, '&amp;')">
        <xsl:value-of select="substring-before($text, '&amp;')"/>
        <xsl:variable name="rest" select="substring-after($text, '&amp;')"/>
        <xsl:choose>
          <xsl:when test="starts-with($rest, 'lt;')">
            <xsl:text>&lt;</xsl:text>
            <xsl:call-template name="unescape">
              <xsl:with-param name="text" select="substring($rest, 4)"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:when test="starts-with($rest, 'gt;')">
            <xsl:text>&gt;</xsl:text>
            <xsl:call-template name="unescape">
              <xsl:with-param name="text" select="substring($rest, 4)"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:when test="starts-with($rest, 'amp;')">
            <xsl:text>&amp;</xsl:text>
            <xsl:call-template name="unescape">
              <xsl:with-param name="text" select="substring($rest, 5)"/>
            </xsl:call-template>
          </xsl:when>
          <xsl:otherwise>
            <xsl:text>&amp;</xsl:text>
            <xsl:call-template name="unescape">
              <xsl:with-param name="text" select="$rest"/>
            </xsl:call-template>
          </xsl:otherwise>
        </xsl:choose>
      </xsl:when>
      <xsl:otherwise>
        <xsl:value-of select="$text"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

</xsl:stylesheet>
